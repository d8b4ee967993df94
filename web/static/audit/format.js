// Display formatting for the auditors' page: times, hashes, counts, probabilities.

import { currentLang, has, t } from "./i18n.js";

const locale = () => (currentLang() === "en" ? "en-GB" : "zh-CN");

const PARTS = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
};

/** The date ("2026-12-06") and time ("08:00:00") of an ISO instant in ``zone``, always zero-padded. */
export function zonedParts(iso, zone = "UTC") {
  const format = new Intl.DateTimeFormat("en-US", { ...PARTS, hourCycle: "h23", timeZone: zone });
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map(({ type, value }) => [type, value]));
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}:${part.second}` };
}

/** An ISO instant as "2026-12-06 08:00:00" in ``zone`` (UTC by default); "–" for none. */
export function dateTime(iso, zone = "UTC") {
  if (!iso) return "–";
  const { date, time } = zonedParts(iso, zone);
  return `${date} ${time}`;
}

/** What to call ``zone`` ("北京时间" / "Beijing time" for Asia/Shanghai); the zone's name when we have no word for it. */
export function zoneName(zone) {
  return has(`zone.${zone}`) ? t(`zone.${zone}`) : zone;
}

/**
 * An ISO instant in the campaign's ``zone`` and in UTC, both labelled:
 * ``{local: "2026-12-06 08:00:00 北京时间", utc: "00:00:00 UTC"}`` (the UTC date shown only when it differs);
 * null for none. In a campaign run in UTC, ``utc`` is null.
 */
export function zonedTimes(iso, zone) {
  if (!iso) return null;
  const local = zonedParts(iso, zone);
  const utc = zonedParts(iso, "UTC");
  const utcText = utc.date === local.date ? `${utc.time} UTC` : `${utc.date} ${utc.time} UTC`;
  if (zone === "UTC") return { local: `${local.date} ${local.time} UTC`, utc: null };
  return { local: `${local.date} ${local.time} ${zoneName(zone)}`, utc: utcText };
}

/** ``zonedTimes`` on one line: "2026-12-06 08:00:00 北京时间 / 00:00:00 UTC"; "–" for none. */
export function zonedText(iso, zone) {
  const times = zonedTimes(iso, zone);
  if (!times) return "–";
  return times.utc ? `${times.local} / ${times.utc}` : times.local;
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
