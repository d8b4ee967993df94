// The campaign's seed periods (GET /api/audit/campaigns/{id}/periods) with each revealed seed checked here:
// SHA-256 of the seed's bytes, computed with the browser's Web Crypto, against the published commitment.

import { el } from "../ops/dom.js";
import { sha256Hex } from "./fair.js";
import { count, dateTime, markText, shortHash } from "./format.js";
import { t } from "./i18n.js";
import { fromhex } from "./pyops.js";

/** Period key -> does the revealed seed hash to the commitment (null while the seed is secret). */
export async function commitmentChecks(periods) {
  const checks = {};
  for (const period of periods) {
    if (period.server_seed === null) checks[period.key] = null;
    else {
      try {
        checks[period.key] = (await sha256Hex(fromhex(period.server_seed))) === period.commitment;
      } catch {
        checks[period.key] = false; // not hex
      }
    }
  }
  return checks;
}

function mark(ok, testid) {
  const kind = ok === null || ok === undefined ? "none" : ok ? "pass" : "fail";
  return el("span", { class: `mark mark-${kind}`, "data-ok": String(ok ?? null), "data-testid": testid }, markText(ok));
}

function hash(value, testid) {
  return value ? el("span", { class: "mono", title: value, "data-testid": testid }, shortHash(value, 12)) : null;
}

function row(period, matches) {
  return el(
    "tr",
    { "data-testid": "period-row", "data-key": period.key },
    el("td", { class: "mono" }, period.key),
    el("td", {}, el("span", { class: `status status-${period.status}` }, t(`period.${period.status}`))),
    el("td", {}, hash(period.commitment, "period-commitment")),
    el("td", {}, hash(period.server_seed, "period-seed") ?? el("span", { class: "muted" }, t("periods.secret"))),
    el("td", { class: "center" }, mark(matches, "commitment-check")),
    el("td", { class: "num" }, count(period.draws)),
    el("td", { class: "small nowrap" }, dateTime(period.committed_at)),
    el("td", { class: "center" }, mark(period.committed_before_draws, "period-before-draws")),
    el(
      "td",
      { class: "small nowrap" },
      dateTime(period.starts_at),
      el("div", { class: "muted" }, `→ ${dateTime(period.ends_at)}`),
    ),
    el("td", { class: "small nowrap" }, dateTime(period.revealed_at)),
  );
}

/** Fill ``tbody`` with the periods, newest first, and their commitment checks. */
export function renderPeriods(tbody, periods, checks) {
  tbody.replaceChildren(...periods.map((period) => row(period, checks[period.key])));
}
