// The rules preview of the draft: what the public rules page will show once this draft is published
// (schedule, prizes with the odds the server computed, redemption), or a link to the published page.

import { el, fill } from "./dom.js";
import { count, dateTime, percent } from "./format.js";
import { localName, t } from "./i18n.js";

function prizeRows(body, odds) {
  const byKey = Object.fromEntries((odds?.rows ?? []).map((r) => [r.key, r]));
  return (body.config?.pool?.prizes ?? []).map((prize) => {
    const r = byKey[prize.key];
    return el(
      "tr",
      { "data-testid": "preview-prize" },
      el(
        "td",
        {},
        localName(prize) || prize.key,
        body.config.pool.fallback === prize.key ? el("span", { class: "badge" }, t("pool.fallback")) : null,
      ),
      el("td", {}, t(`enum.${prize.reward?.kind}`)),
      el(
        "td",
        { class: "num" },
        prize.stock === null || prize.stock === undefined ? t("pool.unlimited") : count(prize.stock),
      ),
      el(
        "td",
        { class: "num mono" },
        r ? `${r.odds}` : "—",
        r ? el("span", { class: "muted" }, ` ${percent(r.probability)}`) : null,
      ),
    );
  });
}

/** Render the preview of ``body`` (the draft) with ``odds`` (the live odds answer, may be null). */
export function renderPreview(container, body, odds, campaign) {
  const zone = body.timezone;
  const redemption = body.config?.redemption ?? {};
  const schedule =
    body.starts_at && body.ends_at
      ? `${dateTime(body.starts_at, zone)} – ${dateTime(body.ends_at, zone)} (${zone})`
      : "—";
  fill(
    container,
    el("h3", { class: "preview-title" }, localName(body) || "—"),
    el("dl", { class: "facts" }, el("dt", {}, t("preview.schedule")), el("dd", {}, schedule)),
    el(
      "table",
      { class: "grid-table compact" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", {}, t("odds.prize")),
          el("th", {}, t("preview.kind")),
          el("th", { class: "num" }, t("preview.quantity")),
          el("th", { class: "num" }, t("odds.odds")),
        ),
      ),
      el("tbody", {}, prizeRows(body, odds)),
    ),
    odds ? null : el("p", { class: "muted" }, t("preview.no_odds")),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, t("field.deadline")),
      el("dd", { "data-testid": "preview-deadline" }, redemption.deadline || "—"),
      el("dt", {}, t("field.conditions")),
      el("dd", { "data-testid": "preview-conditions" }, redemption.conditions || "—"),
    ),
    campaign.version_hash
      ? el(
          "p",
          {},
          el(
            "a",
            { href: `/play/${campaign.id}/rules`, target: "_blank", "data-testid": "public-rules-link" },
            t("preview.public_link"),
          ),
        )
      : el("p", { class: "muted" }, t("preview.unpublished")),
  );
}
