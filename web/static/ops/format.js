// Display formatting only. Money is integer fen in the API and yuan on screen, converted with integer
// arithmetic; the API's float forecasts are rounded to whole fen before they are shown as yuan.

import { currentLang, has, t } from "./i18n.js";

const pad = (n) => String(n).padStart(2, "0");
const locale = () => (currentLang() === "en" ? "en-GB" : "zh-CN");

function grouped(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Integer fen as yuan digits for an input: 188 -> "1.88", 10000 -> "100". */
export function yuanInput(fen) {
  const abs = Math.abs(fen);
  const cents = abs % 100;
  const text = `${Math.floor(abs / 100)}${cents ? `.${pad(cents)}`.replace(/0$/, "") : ""}`;
  return fen < 0 ? `-${text}` : text;
}

/** Integer fen as a price with grouping: 123456 -> "¥1,234.56". */
export function yuan(fen) {
  const whole = Math.round(fen);
  const abs = Math.abs(whole);
  return `${whole < 0 ? "-" : ""}¥${grouped(String(Math.floor(abs / 100)))}.${pad(abs % 100)}`;
}

/** An amount of fen in compact form for chart labels: "¥1.2万" / "¥12K" (``digits`` significant digits). */
export function yuanCompact(fen, digits = 3) {
  const format = new Intl.NumberFormat(locale(), { notation: "compact", maximumSignificantDigits: digits });
  return `¥${format.format(fen / 100)}`;
}

/** Yuan typed by a person ("12", "12.5", "12.50", "1,200") as integer fen; null when it is not an amount. */
export function parseYuan(text) {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim().replaceAll(",", ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** A count with grouping and at most one decimal. */
export function count(n) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(n);
}

/** A probability in [0, 1] as a percent with up to four significant digits. */
export function percent(p) {
  return `${Number((p * 100).toPrecision(4))}%`;
}

/** The zone itself when the browser knows it, else "UTC". */
export function knownZone(zone) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

function parseIso(iso) {
  return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
}

/** "2026/11/23 16:00" (or "23 Nov 2026, 16:00") in ``zone`` (default: the browser's); ``seconds`` adds them. */
export function dateTime(iso, zone, { seconds = false } = {}) {
  const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  if (seconds) Object.assign(options, { second: "2-digit", hourCycle: "h23" });
  if (currentLang() === "en") options.month = "short";
  if (zone) options.timeZone = knownZone(zone);
  return new Intl.DateTimeFormat(locale(), options).format(new Date(parseIso(iso)));
}

/** "16:00:05" in the browser's zone. */
export function clock(iso) {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(
    new Date(parseIso(iso)),
  );
}

function wall(ms, zone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
}

function offsetMinutes(ms, zone) {
  const p = wall(ms, zone);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** An instant as the value of a datetime-local input showing ``zone``'s wall clock. */
export function toLocalInput(iso, zone) {
  const ms = parseIso(iso);
  if (Number.isNaN(ms)) return "";
  const p = wall(ms, knownZone(zone));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A datetime-local value read as ``zone``'s wall clock, as ISO-8601 with that zone's offset; null if empty. */
export function fromLocalInput(value, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return null;
  const tz = knownZone(zone);
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const offset = offsetMinutes(asUtc - offsetMinutes(asUtc, tz) * 60000, tz);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "UTC+08:00" for ``zone`` at ``iso`` (or now). */
export function offsetLabel(zone, iso) {
  const ms = iso ? parseIso(iso) : Date.now();
  const offset = offsetMinutes(Number.isNaN(ms) ? Date.now() : ms, knownZone(zone));
  const abs = Math.abs(offset);
  return `UTC${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** How the console names a campaign's zone: "北京时间" / "Beijing time", else "Europe/Berlin (UTC+01:00)". */
export function zoneName(zone) {
  return has(`zone.${zone}`) ? t(`zone.${zone}`) : `${zone} (${offsetLabel(zone)})`;
}
