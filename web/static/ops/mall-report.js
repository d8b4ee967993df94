// The points mall page's report (GET .../mall/report): redemptions by good and tier, the points liability in points
// and in yuan (100 points are ¥1, so a number of points reads as that many fen), the goods sold out, and the link to
// the same report as CSV.

import { $, el } from "./dom.js";
import { count, yuan } from "./format.js";
import { has, localName, t } from "./i18n.js";

const LIABILITY = ["issued", "redeemed", "expired", "outstanding", "owed"]; // the order they are read in

function tierName(tier) {
  return has(`mall.tier.${tier}`) ? t(`mall.tier.${tier}`) : tier;
}

/** A number of points with its worth in yuan. */
function pointsCell(points) {
  return [el("strong", {}, t("mall.points", { n: count(points) })), " ", el("span", { class: "muted" }, yuan(points))];
}

function goodName(name, goods) {
  const good = (goods ?? []).find((g) => g.name === name);
  return good ? localName(good) : name;
}

function renderRedemptions(rows, goods) {
  $("redemptions").replaceChildren(
    ...rows.map((row) =>
      el(
        "tr",
        { "data-testid": "redemption-row", "data-good": row.good, "data-tier": row.tier },
        el("td", {}, goodName(row.good, goods)),
        el("td", {}, tierName(row.tier)),
        el("td", { class: "num", "data-testid": "redemption-orders" }, count(row.orders)),
        el("td", { class: "num", "data-testid": "redemption-units" }, count(row.units)),
        el("td", { class: "num points-cell", "data-testid": "redemption-points" }, pointsCell(row.points)),
      ),
    ),
  );
  $("redemptions-table").hidden = rows.length === 0;
  $("redemptions-empty").hidden = rows.length > 0;
}

function renderLiability(liability) {
  const others = Object.keys(liability).filter((n) => !LIABILITY.includes(n));
  const names = [...LIABILITY.filter((n) => n in liability), ...others];
  $("liability").replaceChildren(
    ...names.flatMap((name) => [
      el("dt", {}, has(`mall.liability.${name}`) ? t(`mall.liability.${name}`) : name.replaceAll("_", " ")),
      el("dd", { "data-testid": `liability-${name}`, "data-value": liability[name] }, pointsCell(liability[name])),
    ]),
  );
}

function renderSoldOut(names, goods) {
  $("sold-out").replaceChildren(
    ...(names.length
      ? names.map((name) => el("li", { "data-testid": "sold-out-good" }, goodName(name, goods)))
      : [el("li", { class: "muted" }, t("mall.no_sold_out"))]),
  );
}

/** Show ``report`` (the API's answer; ``goods``: the list, for the goods' English names). */
export function renderReport(report, goods) {
  renderRedemptions(report.redemptions, goods);
  renderLiability(report.liability);
  renderSoldOut(report.sold_out, goods);
}

/** Point the CSV link at ``campaignId``'s report. */
export function reportLink(campaignId) {
  $("report-csv").href = `/api/ops/campaigns/${campaignId}/mall/report.csv`;
}
