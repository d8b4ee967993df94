// The ops audit trail: who changed what and when, with a field-by-field diff of before and after.

import { el } from "./dom.js";
import { dateTime } from "./format.js";
import { t } from "./i18n.js";

function flatten(value, prefix = "", out = {}) {
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (!entries.length) out[prefix] = Array.isArray(value) ? "[]" : "{}";
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out[prefix] = value;
  }
  return out;
}

function show(value) {
  return value === undefined ? "—" : JSON.stringify(value);
}

/** The changed paths of two JSON documents as [path, before, after]. */
export function diff(before, after) {
  const a = flatten(before ?? {});
  const b = flatten(after ?? {});
  const paths = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return paths.filter((p) => JSON.stringify(a[p]) !== JSON.stringify(b[p])).map((p) => [p, a[p], b[p]]);
}

function details(entry) {
  if (entry.before === null || entry.before === undefined) {
    return el("pre", { class: "json" }, JSON.stringify(entry.after, null, 2));
  }
  const changes = diff(entry.before, entry.after);
  if (!changes.length) return el("p", { class: "muted" }, t("audit.no_change"));
  return el(
    "table",
    { class: "grid-table compact diff", "data-testid": "audit-diff" },
    el(
      "thead",
      {},
      el("tr", {}, el("th", {}, t("audit.field")), el("th", {}, t("audit.before")), el("th", {}, t("audit.after"))),
    ),
    el(
      "tbody",
      {},
      changes.map(([path, a, b]) =>
        el(
          "tr",
          {},
          el("td", { class: "mono" }, path),
          el("td", { class: "mono del" }, show(a)),
          el("td", { class: "mono ins" }, show(b)),
        ),
      ),
    ),
  );
}

function summary(entry) {
  if (entry.action === "edit_draft") return t("audit.changes", { n: diff(entry.before, entry.after).length });
  if (entry.action === "publish") return `${t("audit.version")} ${String(entry.after?.version ?? "").slice(0, 12)}`;
  return "";
}

/** Render ``entries`` (newest first); ``withCampaign`` adds a link to each entry's campaign. */
export function renderAudit(container, entries, { withCampaign = false } = {}) {
  if (!entries.length) {
    container.replaceChildren(el("p", { class: "muted" }, t("audit.empty")));
    return;
  }
  container.replaceChildren(
    el(
      "ol",
      { class: "audit-list" },
      entries.map((entry) =>
        el(
          "li",
          { "data-testid": "audit-entry", "data-action": entry.action },
          el(
            "details",
            {},
            el(
              "summary",
              {},
              el("span", { class: `badge action-${entry.action}` }, t(`action.${entry.action}`)),
              el("strong", {}, entry.actor),
              el("span", { class: "muted" }, dateTime(entry.at)),
              withCampaign && entry.campaign_id
                ? el("a", { href: `/ops/campaigns/${entry.campaign_id}` }, `#${entry.campaign_id}`)
                : null,
              el("span", { class: "muted" }, summary(entry)),
            ),
            details(entry),
          ),
        ),
      ),
    ),
  );
}
