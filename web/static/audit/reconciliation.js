// The reconciliation of the draw log against the ledger's grants and the budget
// (GET /api/audit/campaigns/{id}/reconciliation), as the server computed it, each check with a sentence
// saying what was compared and why it holds or not.

import { el, fill } from "../ops/dom.js";
import { count, yuan } from "./format.js";
import { t } from "./i18n.js";
import { checkMark } from "./marks.js";
import { mismatchText } from "./reconcile-text.js";

/** A mismatch about the campaign as a whole (the budget) names neither a draw record nor a grant. */
const aboutCampaign = (item) => item.seq === null && item.grant_key === null;

function figure(label, value) {
  return [el("dt", {}, t(label)), el("dd", { class: "num" }, value)];
}

function mismatch(item) {
  const where = [item.seq !== null ? `seq ${item.seq}` : null, item.grant_key].filter(Boolean).join(" · ");
  return el(
    "li",
    { "data-testid": "mismatch" },
    el("span", { class: "mono" }, where || t("reconcile.campaign")),
    " ",
    mismatchText(item.problem),
  );
}

/** How many mismatches concern draw records and their grants (the listed ones and those only counted). */
function drawMismatches(result, budgetOk) {
  const listed = result.mismatches.filter((item) => !aboutCampaign(item)).length;
  const budgetCounted = !budgetOk && !result.mismatches.some(aboutCampaign) ? 1 : 0; // beyond the listed ones
  return listed + result.more_mismatches - budgetCounted;
}

function checks(result) {
  const budgetOk = result.granted_cost_fen === result.budget_spent_fen;
  const wrong = drawMismatches(result, budgetOk);
  const log = wrong
    ? t("reconcile.why.log_failed", { n: count(wrong), draws: count(result.draws) })
    : t(result.draws ? "reconcile.why.log_ok" : "reconcile.why.log_empty", {
        draws: count(result.draws),
        grants: count(result.draw_grants),
      });
  const money = { cost: yuan(result.granted_cost_fen), budget: yuan(result.budget_spent_fen) };
  const budget = t(budgetOk ? "reconcile.why.budget_ok" : "reconcile.why.budget_failed", money);
  return el(
    "ul",
    { class: "check-list" },
    el("li", {}, checkMark(wrong === 0, log, "reconcile-log")),
    el("li", {}, checkMark(budgetOk, budget, "reconcile-budget")),
  );
}

/** Show the reconciliation ``result`` in ``box``. */
export function renderReconciliation(box, result) {
  const status = el(
    "p",
    {
      class: `badge ${result.ok ? "badge-ok" : "badge-warn"}`,
      "data-testid": "reconcile-status",
      "data-ok": String(result.ok),
    },
    t(result.ok ? "reconcile.ok" : "reconcile.failed"),
  );
  const figures = el(
    "dl",
    { class: "kv" },
    figure("reconcile.draws", count(result.draws)),
    figure("reconcile.draw_grants", count(result.draw_grants)),
    figure("reconcile.other_grants", count(result.other_grants)),
    figure("reconcile.cost", yuan(result.granted_cost_fen)),
    figure("reconcile.budget", yuan(result.budget_spent_fen)),
  );
  const more = result.more_mismatches
    ? el("p", { class: "muted" }, t("reconcile.more", { n: result.more_mismatches }))
    : null;
  const list = result.mismatches.length ? el("ul", { class: "mismatches" }, ...result.mismatches.map(mismatch)) : null;
  fill(box, status, checks(result), figures, list, more);
}
