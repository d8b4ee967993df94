// The pieces the workspace repeats: a ✓ / ✗ / – mark with the sentence that explains it, a time in the
// campaign's zone and in UTC, and a prize key with its name from the campaign's rules.

import { el } from "../ops/dom.js";
import { markText, zonedTimes } from "./format.js";
import { currentLang, localName } from "./i18n.js";

let prizes = new Map(); // key -> {name, name_en} of the campaign on screen (GET /api/campaigns/{id}/rules)

/** "pass", "fail" or "none" (not checked) for ``ok`` true / false / null. */
export function markStatus(ok) {
  return ok === null || ok === undefined ? "none" : ok ? "pass" : "fail";
}

/**
 * A mark and, beside it, the plain sentence ``why`` saying what was checked and why it passed or failed.
 * The wrapper carries ``data-ok`` ("true" / "false" / "null") and the ``testid``; the sentence is
 * ``data-testid="why"``.
 */
export function checkMark(ok, why, testid = null) {
  const status = markStatus(ok);
  return el(
    "span",
    { class: `check check-${status}`, "data-ok": String(ok ?? null), "data-testid": testid },
    el("span", { class: `mark mark-${status}` }, markText(ok)),
    el("span", { class: "why", "data-testid": "why" }, why),
  );
}

/** A time in the campaign's ``zone`` with the same instant in UTC below it, both labelled; "–" for none. */
export function zonedTime(iso, zone) {
  const times = zonedTimes(iso, zone);
  if (!times) return el("span", { class: "muted" }, "–");
  return el(
    "time",
    { class: "zoned", datetime: iso, "data-testid": "zoned-time" },
    el("span", { "data-testid": "local-time" }, times.local),
    times.utc ? el("span", { class: "utc muted", "data-testid": "utc-time" }, `/ ${times.utc}`) : null,
  );
}

/** Remember the prizes of the campaign on screen (the rules' ``prizes``: key, name, name_en). */
export function setPrizes(list) {
  prizes = new Map((list ?? []).map((prize) => [prize.key, prize]));
}

/** The name of prize ``key`` in the current language; null when the rules do not list it. */
export function prizeName(key) {
  const prize = prizes.get(key);
  return prize ? localName(prize) : null;
}

/** A prize as text: "谢谢参与（thanks）" / "Better luck next time (thanks)"; the key alone when it has no name. */
export function prizeText(key) {
  if (key === null || key === undefined) return "–";
  const name = prizeName(key);
  if (!name) return String(key);
  return currentLang() === "en" ? `${name} (${key})` : `${name}（${key}）`;
}

/** A prize key (monospace) with its name beside it; "–" for none. */
export function prizeLabel(key) {
  if (key === null || key === undefined) return el("span", { class: "mono" }, "–");
  const name = prizeName(key);
  return el(
    "span",
    { class: "prize", "data-key": key },
    el("span", { class: "mono" }, String(key)),
    name ? el("span", { class: "prize-name", "data-testid": "prize-name" }, name) : null,
  );
}
