// The campaign list: status, schedule, budget use, version; "new campaign" creates a draft from the
// server's starter template and opens it in the editor. Below it, the ops audit trail of every campaign.

import { api, errorText } from "./api.js";
import { renderAudit } from "./audit.js";
import { $, el, notice } from "./dom.js";
import { dateTime, percent, yuan, zoneName } from "./format.js";
import { localName, onLanguageChange, t } from "./i18n.js";
import { lifecycleBadge } from "./lifecycle.js";
import { requireOps } from "./session.js";

const state = { campaigns: null, audit: null };

function budgetCell(c) {
  const share = c.budget_total_fen > 0 ? c.budget_spent_fen / c.budget_total_fen : 0;
  return el(
    "td",
    { class: "budget-cell" },
    el(
      "div",
      { class: "budget-line" },
      el("span", {}, yuan(c.budget_spent_fen)),
      el("span", { class: "muted" }, ` / ${yuan(c.budget_total_fen)}`),
    ),
    el(
      "div",
      { class: `meter small${share >= 0.8 ? " warn" : ""}` },
      el("div", { class: "meter-fill", style: `width:${Math.min(share, 1) * 100}%` }),
    ),
    el("small", { class: "muted" }, percent(share)),
  );
}

function row(c) {
  const editor = `/ops/campaigns/${c.id}`;
  return el(
    "tr",
    { "data-testid": "campaign-row", "data-id": c.id },
    el("td", { class: "mono muted" }, c.id),
    el(
      "td",
      {},
      el("a", { href: editor, class: "strong", "data-testid": "campaign-link" }, localName(c)),
      el("div", { class: "muted mono small" }, c.slug),
    ),
    el("td", {}, lifecycleBadge(c)),
    el(
      "td",
      { "data-testid": "campaign-schedule" },
      dateTime(c.starts_at, c.timezone),
      el("div", { class: "muted" }, `→ ${dateTime(c.ends_at, c.timezone)}`),
      el("div", { class: "muted small" }, zoneName(c.timezone)),
    ),
    budgetCell(c),
    el(
      "td",
      { class: "mono small" },
      c.version_hash ? c.version_hash.slice(0, 10) : el("span", { class: "muted" }, t("editor.unpublished")),
    ),
    el(
      "td",
      { class: "row-actions" },
      el("a", { href: editor, class: "button small" }, t("list.edit")),
      c.version_hash
        ? el(
            "a",
            { href: `${editor}/dashboard`, class: "button small", "data-testid": "dashboard-link" },
            t("list.dashboard"),
          )
        : null,
      c.version_hash
        ? el("a", { href: `/play/${c.id}/rules`, class: "button small ghost", target: "_blank" }, t("list.rules"))
        : null,
      el("a", { href: `${editor}/mall`, class: "button small", "data-testid": "mall-link" }, t("mall.link")),
      el("a", { href: `${editor}/messages`, class: "button small", "data-testid": "push-link" }, t("push.link")),
    ),
  );
}

function render() {
  if (state.campaigns) {
    $("campaigns").replaceChildren(...state.campaigns.map(row));
    $("campaigns-empty").hidden = state.campaigns.length > 0;
  }
  if (state.audit) renderAudit($("audit"), state.audit.slice(0, 30), { withCampaign: true });
}

async function create() {
  const button = $("new-campaign");
  button.disabled = true;
  try {
    const body = await api("/api/ops/campaigns/template");
    const campaign = await api("/api/ops/campaigns", { method: "POST", body });
    window.location.assign(`/ops/campaigns/${campaign.id}`);
  } catch (error) {
    notice($("list-message"), errorText(error));
    button.disabled = false;
  }
}

await requireOps();
$("new-campaign").addEventListener("click", create);
onLanguageChange(render);
try {
  [state.campaigns, state.audit] = await Promise.all([api("/api/ops/campaigns"), api("/api/ops/audit")]);
  render();
} catch (error) {
  notice($("list-message"), errorText(error));
}
