// What the games' own cost-forecast panels (checkin-forecast.js, board-forecast.js) share: their number inputs,
// the expected / p95 / p99 figures the server computed, and a refusal shown by field. Nothing is computed here.

import { ApiError, errorText } from "./api.js";
import { el, notice } from "./dom.js";
import { fieldProblems, showFieldErrors } from "./field-errors.js";
import { yuan } from "./format.js";

/** A typed number as sent: the number, null when empty, else the text (for the server to name). */
export function readNumber(text) {
  const s = String(text).trim();
  if (s === "") return null;
  return Number.isFinite(Number(s)) ? Number(s) : s;
}

/** A number input showing ``value``, calling ``onInput(text)`` as it is typed. */
export function numberInput(value, attrs, onInput) {
  return el("input", {
    type: "number",
    step: "any",
    value: String(value ?? ""),
    ...attrs,
    oninput: (e) => onInput(e.target.value),
  });
}

/** One figure: its label over its value (text, or fen shown as yuan). */
export function kpi(label, value, testid) {
  return el(
    "div",
    { class: "kpi" },
    el("div", { class: "kpi-label" }, label),
    el("div", { class: "kpi-value", "data-testid": testid }, typeof value === "number" ? yuan(value) : value),
  );
}

/**
 * A heading and the expected, p95 and p99 cost of ``figure`` ({expected_fen, p95_fen, p99_fen}), the expected
 * one labelled ``expected``, each with the test id ``testid-expected`` (-p95, -p99); ``more`` figures follow.
 */
export function costFigures(title, figure, testid, expected, ...more) {
  return [
    el("h3", {}, title),
    el(
      "div",
      { class: "kpis" },
      kpi(expected, figure.expected_fen, `${testid}-expected`),
      kpi("P95", figure.p95_fen, `${testid}-p95`),
      kpi("P99", figure.p99_fen, `${testid}-p99`),
      more,
    ),
  ];
}

/** True for the messages of a panel's own inputs (the others name fields of the draft). */
export function isOwn(path) {
  return path === "audience" || path.startsWith("audience.");
}

/** The messages by field of ``refusal`` (an invalid input), else none. */
export function refusedFields(refusal) {
  return refusal instanceof ApiError && refusal.code === "invalid_input" ? refusal.fields : {};
}

/**
 * Show ``refusal`` in the panel ``container``: the messages of its own inputs next to them; the draft's fields'
 * (and any left over) listed in ``message`` under ``invalid`` (the words for an invalid input), else the error.
 */
export function showRefusal(container, message, refusal, invalid) {
  const errors = refusedFields(refusal);
  const own = Object.entries(errors).filter(([path]) => isOwn(path));
  const unplaced = showFieldErrors(container, Object.fromEntries(own));
  const others = Object.fromEntries([...unplaced, ...Object.entries(errors).filter(([path]) => !isOwn(path))]);
  const problems = fieldProblems(others);
  const text = refusal instanceof ApiError && refusal.code === "invalid_input" ? invalid : errorText(refusal);
  notice(message, text, "error", problems.length ? el("ul", {}, problems) : "");
}
