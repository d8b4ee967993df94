// The auditors' workspace: sign in, pick a campaign, then its periods (commitments checked here), the
// reconciliation, the odds test with its chart, one draw verified step by step, and export files verified
// in this browser (verifier.js). The server is only read; it is never asked whether a draw is fair.
// The campaign's public rules give its time zone (times are shown in it and in UTC) and its prizes' names.

import { $, el } from "../ops/dom.js";
import { api } from "./api.js";
import { initDrawCheck, redrawDrawCheck } from "./draw-check.js";
import { showError } from "./error-notice.js";
import { initExportCheck, redrawExportCheck } from "./export-check.js";
import { count } from "./format.js";
import { localName, onLanguageChange, t } from "./i18n.js";
import { setPrizes } from "./marks.js";
import { commitmentChecks, renderPeriods, renderPeriodsEmpty } from "./periods.js";
import { renderReconciliation } from "./reconciliation.js";
import { requireAuditor } from "./session.js";
import { renderStats } from "./stats.js";

const EMPTY = { periods: null, checks: {}, reconciliation: null, stats: null, rules: null };
const state = { campaigns: [], campaign: null, ...EMPTY };

/** The campaign's time zone (from its rules); UTC until they are read. */
const zone = () => state.rules?.timezone ?? "UTC";

function row(campaign) {
  const selected = state.campaign?.id === campaign.id;
  return el(
    "tr",
    { "data-testid": "campaign-row", "data-id": campaign.id, class: selected ? "selected" : null },
    el("td", { class: "mono muted" }, campaign.id),
    el(
      "td",
      {},
      el("span", { class: "strong" }, localName(campaign)),
      el("div", { class: "muted mono small" }, campaign.slug),
    ),
    el(
      "td",
      {},
      el("span", { class: `status status-${campaign.lifecycle}`, "data-status": campaign.lifecycle }, t(`status.${campaign.lifecycle}`)),
    ),
    el("td", { class: "num" }, `${count(campaign.revealed_periods)} / ${count(campaign.periods)}`),
    el("td", { class: "num" }, count(campaign.draws)),
    el(
      "td",
      { class: "row-actions" },
      el(
        "button",
        { type: "button", class: "button small", "data-testid": "campaign-open", onclick: () => open(campaign.id) },
        t("campaigns.open"),
      ),
    ),
  );
}

function render() {
  $("campaigns").replaceChildren(...state.campaigns.map(row));
  $("campaigns-empty").hidden = state.campaigns.length > 0;
  const campaign = state.campaign;
  $("campaign").hidden = !campaign;
  $("verify-server-export").hidden = !campaign;
  if (!campaign) return;
  $("campaign-title").textContent = localName(campaign);
  $("campaign-slug").textContent = `#${campaign.id} · ${campaign.slug}`;
  renderPeriods($("periods"), state.periods ?? [], state.checks, zone());
  renderPeriodsEmpty($("periods-empty"), state.periods, zone());
  if (state.reconciliation) renderReconciliation($("reconciliation"), state.reconciliation);
  else $("reconciliation").replaceChildren();
  renderStats($("stats"), state.stats);
}

/** GET ``path``; null (and the error shown) when it fails. */
async function get(path) {
  try {
    return await api(path);
  } catch (error) {
    showError($("page-message"), error);
    return null;
  }
}

async function open(id) {
  state.campaign = state.campaigns.find((c) => c.id === id) ?? null;
  Object.assign(state, EMPTY);
  setPrizes([]);
  showError($("page-message"), null);
  redrawDrawCheck(true);
  if (!state.campaign) return render();
  history.replaceState(null, "", `#campaign=${id}`);
  $("export-link").href = `/api/audit/campaigns/${id}/export`;
  $("checkpoints-link").href = `/api/campaigns/${id}/checkpoints`;
  $("checkpoints-link").download = `campaign-${id}-checkpoints.json`;
  $("rules-link").href = `/play/${id}/rules`;
  render();
  const base = `/api/audit/campaigns/${id}`;
  const [periods, reconciliation, stats, rules] = await Promise.all([
    get(`${base}/periods`),
    get(`${base}/reconciliation`),
    get(`${base}/stats`),
    get(`/api/campaigns/${id}/rules`),
  ]);
  const checks = periods ? await commitmentChecks(periods) : {};
  if (state.campaign?.id !== id) return; // another campaign was opened meanwhile
  Object.assign(state, { periods, checks, reconciliation, stats, rules });
  setPrizes(rules?.prizes);
  render();
  redrawDrawCheck(); // a draw verified while the rules were loading now names its prizes
  redrawExportCheck();
}

/** Open the campaign the address names (``#campaign=ID``), when it is not the one open. */
async function openFromHash() {
  const wanted = Number(/campaign=(\d+)/.exec(window.location.hash)?.[1]);
  if (wanted && wanted !== state.campaign?.id) await open(wanted);
}

await requireAuditor();
initDrawCheck(() => state.campaign?.id);
initExportCheck(() => state.campaign?.id);
onLanguageChange(() => {
  render();
  redrawDrawCheck();
  redrawExportCheck();
});
try {
  state.campaigns = await api("/api/audit/campaigns");
  render();
  await openFromHash();
} catch (error) {
  showError($("page-message"), error);
}
window.addEventListener("hashchange", openFromHash);
