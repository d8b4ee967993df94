// The publish pre-flight dialog: the schedule, the budget against the forecast and each risk the server
// found (games/insight/preflight.py). Publishing needs every risk acknowledged with its checkbox; the server holds
// a publish whose risks were not (409 publish_risks), so the dialog is a convenience, not the check.

import { $, el } from "./dom.js";
import { count, dateTime, percent, yuan, zoneName } from "./format.js";
import { t } from "./i18n.js";
import { localize } from "./server-text.js";

function fact(label, ...value) {
  return [el("dt", {}, t(label)), el("dd", {}, ...value)];
}

function facts(summary, zone) {
  const outOfBudget = summary.budget_exhausted_probability;
  const schedule = `${dateTime(summary.starts_at, zone)} – ${dateTime(summary.ends_at, zone)}（${zoneName(zone)}）`;
  return [
    ...fact("preflight.schedule", schedule),
    ...fact(
      "preflight.audience",
      t("preflight.audience_line", {
        players: count(summary.players_per_day),
        draws: summary.draws_per_player,
        days: summary.days,
      }),
    ),
    ...fact("preflight.budget", yuan(summary.budget_fen)),
    ...fact(
      "preflight.demand",
      t("preflight.forecast_line", { median: yuan(summary.demand_median_fen), p95: yuan(summary.demand_p95_fen) }),
    ),
    ...fact(
      "preflight.forecast",
      t("preflight.forecast_line", { median: yuan(summary.cost_median_fen), p95: yuan(summary.cost_p95_fen) }),
    ),
    ...fact(
      "preflight.runs_out",
      outOfBudget > 0
        ? t("preflight.runs_out_line", { p: percent(outOfBudget), day: summary.median_budget_exhausted_day })
        : t("preflight.never_runs_out"),
    ),
  ];
}

function riskItem(risk, update) {
  const box = el("input", { type: "checkbox", "data-code": risk.code, "data-testid": "risk-ack", onchange: update });
  return el(
    "li",
    { "data-testid": "risk", "data-code": risk.code },
    el("label", { class: "risk" }, box, el("span", {}, localize(risk.message))),
  );
}

/**
 * Show ``summary`` (POST .../preflight; times in the campaign's ``zone``) and wait: the acknowledged risk codes when ops confirm, ``null``
 * when they go back to the draft.
 */
export function confirmPublish(summary, zone) {
  const dialog = $("preflight");
  const confirm = $("preflight-confirm");
  const boxes = () => [...dialog.querySelectorAll("[data-testid=risk-ack]")];
  const update = () => (confirm.disabled = !boxes().every((box) => box.checked));
  $("preflight-facts").replaceChildren(...facts(summary, zone));
  $("preflight-risks").replaceChildren(
    summary.risks.length
      ? el("div", {}, el("p", { class: "strong" }, t("preflight.risks")), el("ul", { class: "plain-list" }, summary.risks.map((r) => riskItem(r, update))))
      : el("p", { class: "muted", "data-testid": "no-risks" }, t("preflight.no_risks")),
  );
  update();
  dialog.returnValue = "";
  dialog.showModal();
  (summary.risks.length ? boxes()[0] : confirm).focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve(dialog.returnValue === "publish" ? boxes().map((box) => box.dataset.code) : null),
      { once: true },
    );
  });
}
