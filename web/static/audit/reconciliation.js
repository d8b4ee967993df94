// The reconciliation of the draw log against the ledger's grants and the budget
// (GET /api/audit/campaigns/{id}/reconciliation), as the server computed it.

import { el, fill } from "../ops/dom.js";
import { count, yuan } from "./format.js";
import { t } from "./i18n.js";

function figure(label, value) {
  return [el("dt", {}, t(label)), el("dd", { class: "num" }, value)];
}

function mismatch(item) {
  const where = [item.seq !== null ? `seq ${item.seq}` : null, item.grant_key].filter(Boolean).join(" · ");
  return el("li", {}, el("span", { class: "mono" }, where || t("reconcile.campaign")), " ", item.problem);
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
  fill(box, status, figures, list, more);
}
