// The check-in page's rewards: the streak bar with its milestones (3, 7, 14, 30 days ...) and how far the shopper
// is, the next milestone ("再签 N 天得 …"), and the milestones for days in all. All from the game view; prize
// names come from the campaign's rules.

import { el } from "../dom.js";
import { t } from "../i18n.js";

/** The streak milestones, fewest days first. */
function streakMilestones(view) {
  return view.milestones.filter((m) => m.kind === "streak").sort((a, b) => a.days - b.days);
}

/** The shopper's place in the current round of streak milestones (the server's next milestone says it). */
function position(view, streak) {
  const next = view.next_milestone;
  return next ? next.days - next.to_go : Math.min(view.streak, streak.at(-1).days);
}

/**
 * The bar's fill, 0–1: markers stand evenly spaced (at the middle of their columns), the fill runs straight
 * between the one passed and the next one.
 */
function fillShare(streak, at) {
  const centre = (index) => (index + 0.5) / streak.length;
  let before = { days: 0, share: 0 };
  for (const [index, milestone] of streak.entries()) {
    if (at < milestone.days) {
      const part = (at - before.days) / (milestone.days - before.days);
      return before.share + part * (centre(index) - before.share);
    }
    before = { days: milestone.days, share: centre(index) };
  }
  return 1;
}

function marker(milestone, at, prizeName) {
  const reached = at >= milestone.days;
  const prize = prizeName(milestone.prize);
  const spoken = t("checkin.milestone_streak", { n: milestone.days, prize });
  const classes = reached ? "streak-mark is-reached" : "streak-mark";
  return el(
    "li",
    { class: classes, "data-testid": "streak-mark", "data-days": milestone.days, "data-prize": milestone.prize },
    el("span", { class: "streak-dot", "aria-hidden": "true" }, t("checkin.milestone_days", { n: milestone.days })),
    el("span", { class: "streak-prize", "aria-hidden": "true" }, prize),
    el("span", { class: "sr-only" }, reached ? spoken + t("checkin.milestone_reached") : spoken),
  );
}

function totalItem(milestone, view, prizeName) {
  const reached = view.total_days >= milestone.days;
  return el(
    "li",
    { class: reached ? "is-reached" : "", "data-testid": "total-mark", "data-days": milestone.days },
    el("span", {}, t("checkin.milestone_total", { n: milestone.days, prize: prizeName(milestone.prize) })),
    el("span", { class: "amount" }, reached ? "✓" : `${Math.min(view.total_days, milestone.days)}/${milestone.days}`),
  );
}

/** The line above the bar: the streak and what the next check-ins bring. */
function nextLine(view, prizeName) {
  const progress = el("span", { class: "streak-now" }, t("checkin.progress", { n: view.streak }));
  const next = view.next_milestone;
  let after = null;
  if (next) after = t("checkin.next", { n: next.to_go, prize: prizeName(next.prize) });
  else if (streakMilestones(view).length) after = t("checkin.next_none");
  return after ? [progress, " ", el("strong", {}, after)] : [progress];
}

/**
 * Show the streak, the bar of streak milestones (hidden when there are none) and the card of milestones for days
 * in all (hidden when there are none) from ``view``; ``parts`` are their elements by name, ``prizeName(key)``
 * names a pool prize.
 */
export function showMilestones(view, parts, prizeName) {
  const streak = streakMilestones(view);
  parts.next.replaceChildren(...nextLine(view, prizeName));
  parts.bar.hidden = !streak.length;
  if (streak.length) {
    const at = position(view, streak);
    parts.fill.style.setProperty("width", `${(fillShare(streak, at) * 100).toFixed(1)}%`);
    parts.marks.style.setProperty("--marks", String(streak.length));
    parts.marks.replaceChildren(...streak.map((m) => marker(m, at, prizeName)));
  }
  const totals = view.milestones.filter((m) => m.kind === "total").sort((a, b) => a.days - b.days);
  parts.totalsCard.hidden = !totals.length;
  parts.totals.replaceChildren(...totals.map((m) => totalItem(m, view, prizeName)));
}
