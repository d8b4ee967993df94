// Display formatting for the auditors' page: times, hashes, counts, probabilities.

import { currentLang } from "./i18n.js";

const locale = () => (currentLang() === "en" ? "en-GB" : "zh-CN");

/** An ISO instant in the browser's time zone, seconds shown; "–" for none. */
export function dateTime(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleString(locale(), { dateStyle: "short", timeStyle: "medium" });
}

/** The first ``n`` characters of a hash with an ellipsis. */
export function shortHash(hex, n = 12) {
  return hex ? `${hex.slice(0, n)}…` : "–";
}

/** An integer with grouping. */
export function count(n) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(n);
}

/** A probability in [0, 1] as a percent with up to four significant digits. */
export function percent(p) {
  return `${Number((p * 100).toPrecision(4))}%`;
}

/** A p-value: three significant digits, scientific below 0.0001; "–" when there is none. */
export function pValue(p) {
  if (p === null || p === undefined) return "–";
  return p < 1e-4 ? p.toExponential(2) : String(Number(p.toPrecision(3)));
}

/** Bytes as KB / MB. */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Integer fen as yuan with grouping: 123456 -> "¥1,234.56". */
export function yuan(fen) {
  const abs = Math.abs(Math.round(fen));
  const whole = new Intl.NumberFormat("en").format(Math.floor(abs / 100));
  return `${fen < 0 ? "-" : ""}¥${whole}.${String(abs % 100).padStart(2, "0")}`;
}

/** A pass / fail / not-checked mark: ✓, ✗ or –, with data-ok "true" / "false" / "null". */
export function markText(ok) {
  return ok === null || ok === undefined ? "–" : ok ? "✓" : "✗";
}
