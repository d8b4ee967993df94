// The check-in page's month: a Monday-first week header and one cell per day with the mark the server gave it
// (checked ✓, made up 补, today, missed, future, outside the campaign). A missed day that can still be made up
// (inside the make-up window, while make-ups are left this month) is a button; the server decides the make-up.

import { el } from "../dom.js";
import { currentLang, t } from "../i18n.js";

const DAY_MS = 86_400_000;
const A_MONDAY = Date.UTC(2024, 0, 1);

/** A ``YYYY-MM-DD`` day as milliseconds at its UTC midnight (days are calendar days, not instants). */
function utc(day) {
  const [year, month, date] = day.split("-").map(Number);
  return Date.UTC(year, month - 1, date);
}

function format(options, time) {
  const locale = currentLang() === "en" ? "en-GB" : "zh-CN";
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(new Date(time));
}

/** "11月25日" / "25 November". */
export function dayLabel(day) {
  return format({ month: "long", day: "numeric" }, utc(day));
}

/** "2026年11月" / "November 2026". */
export function monthLabel(day) {
  return format({ year: "numeric", month: "long" }, utc(day));
}

/** The week header, Monday first: "一 … 日" / "Mon … Sun", each with its full name as a title. */
export function weekdayCells() {
  return Array.from({ length: 7 }, (_, index) => {
    const time = A_MONDAY + index * DAY_MS;
    const short = format({ weekday: currentLang() === "en" ? "short" : "narrow" }, time);
    return el("li", { title: format({ weekday: "long" }, time) }, short);
  });
}

/** Whether the page offers to make up ``entry``: the server marks each missed day it would allow now (its
 * window, the limit of the day's own month); it still checks the price when asked. */
export function offersMakeUp(view, entry) {
  return entry.mark === "missed" && entry.makeup === true;
}

function symbol(mark) {
  const text = { checked: "✓", made_up: t("checkin.symbol.made_up") }[mark];
  return text ? el("span", { class: "cal-symbol", "aria-hidden": "true" }, text) : null;
}

function statusText(entry, isToday, offered) {
  const status = t(`checkin.mark.${offered ? "makeup" : entry.mark}`);
  const date = dayLabel(entry.day);
  return isToday ? t("checkin.today_status", { date, status }) : t("checkin.day_status", { date, status });
}

function dayCell(entry, view, { onMakeUp, fresh }) {
  const isToday = entry.day === view.today;
  const offered = offersMakeUp(view, entry);
  const content = [
    el("span", { class: "cal-num", "aria-hidden": "true" }, Number(entry.day.slice(8))),
    symbol(entry.mark),
    offered ? el("span", { class: "cal-offer", "aria-hidden": "true" }, t("checkin.symbol.offer")) : null,
    el("span", { class: "sr-only" }, statusText(entry, isToday, offered)),
  ];
  const classes = ["cal-day", `is-${entry.mark.replace("_", "-")}`];
  if (isToday) classes.push("is-today");
  if (entry.day === fresh) classes.push("is-fresh");
  if (offered) classes.push("is-offered");
  const cell = el("li", { class: classes.join(" "), "data-testid": `day-${entry.day}`, "data-mark": entry.mark });
  if (!offered) {
    cell.append(el("span", { class: "cal-face" }, ...content));
    return cell;
  }
  const button = el("button", { type: "button", class: "cal-face", "data-testid": `makeup-${entry.day}` }, ...content);
  button.addEventListener("click", () => onMakeUp(entry.day));
  cell.append(button);
  return cell;
}

/**
 * The cells of ``view``'s month (``view.calendar``), after blanks up to its first weekday; ``onMakeUp(day)`` is
 * called when a missed day is tapped, ``fresh`` names the day just checked (it gets a short stamp).
 */
export function calendarCells(view, { onMakeUp, fresh = null }) {
  const first = view.calendar[0]?.day;
  if (!first) return [];
  const blanks = (new Date(utc(first)).getUTCDay() + 6) % 7;
  return [
    ...Array.from({ length: blanks }, () => el("li", { class: "cal-blank", "aria-hidden": "true" })),
    ...view.calendar.map((entry) => dayCell(entry, view, { onMakeUp, fresh })),
  ];
}
