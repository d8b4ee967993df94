// Display formatting only: money from integer fen, dates from the API's ISO-8601 UTC strings.

import { currentLang, has, t } from "./i18n.js";

/** Integer fen as yuan with two decimals, without float rounding: 188 -> "1.88". */
export function yuanDigits(fen) {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Integer fen as a price: 188 -> "¥1.88". */
export function yuan(fen) {
  return `¥${yuanDigits(fen)}`;
}

/** Whole yuan when there are no fen: 10000 -> "¥100", 188 -> "¥1.88". */
export function yuanShort(fen) {
  return fen % 100 === 0 ? `¥${fen / 100}` : yuan(fen);
}

/** A red packet's amount as configured: "¥1.88", or for a range "¥0.88–¥88.88"; "" for other rewards. */
export function redPacketValue(reward) {
  if (reward?.kind !== "red_packet") return "";
  if (reward.min_fen !== undefined) return `${yuanShort(reward.min_fen)}–${yuanShort(reward.max_fen)}`;
  return reward.amount_fen === undefined ? "" : yuanShort(reward.amount_fen);
}

function dateFormat(options, timeZone) {
  const locale = currentLang() === "en" ? "en-GB" : "zh-CN";
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(locale, options); // unknown time zone: the browser's own
  }
}

/** "2026/11/23 12:00" (or "23 Nov 2026, 12:00"), in ``timeZone`` or the browser's zone. */
export function dateTime(iso, timeZone) {
  const options = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  if (currentLang() === "zh") Object.assign(options, { month: "2-digit", day: "2-digit" }); // always 2026/01/05
  return dateFormat(options, timeZone).format(new Date(iso));
}

/** "2026/11/23" (or "23 Nov 2026"). */
export function date(iso, timeZone) {
  const zh = currentLang() === "zh";
  const options = { year: "numeric", month: zh ? "2-digit" : "short", day: zh ? "2-digit" : "numeric" };
  return dateFormat(options, timeZone).format(new Date(iso));
}

/** numerator/denominator as a percent with up to four significant digits: 90/10000 -> "0.9%". */
export function percent(numerator, denominator) {
  return `${Number(((numerator * 100) / denominator).toPrecision(4))}%`;
}

/** A winner's name as others may see it. The server masks it already (张**); anything unmasked that
 * reaches the page keeps only its first character. */
export function maskedName(name) {
  if (!name) return "***";
  return name.includes("*") ? name : `${[...name][0]}**`;
}

/** A time zone as shoppers know it: "北京时间" / "Beijing time", else its name ("Europe/Berlin"). */
export function zoneLabel(zone) {
  return has(`zone.${zone}`) ? t(`zone.${zone}`) : zone;
}
