// The check-in page's reward dialog: what a check-in or a make-up gave (the points drawn from the shopper's
// tier range, the daily gift, the milestone prizes it completed), a short stamp and confetti unless the shopper
// asked for less motion, and the fairness proof of its draw folded away.

import { el, prefersReducedMotion } from "../dom.js";
import { has, t } from "../i18n.js";
import { dayLabel } from "./calendar-grid.js";

const $ = (id) => document.getElementById(id);
const DAY_EVENTS = new Set(["checkin.checked_in", "checkin.made_up"]);

/** The event of a check-in or a make-up in an action's answer, or null. */
export function dayEvent(answer) {
  return answer.events.find((event) => DAY_EVENTS.has(event.name)) ?? null;
}

function reasonText(reason) {
  return has(`reason.${reason}`) ? t(`reason.${reason}`) : t("reason.other");
}

/** One prize line: what it is for and the prize granted (or what was drawn, why not, and what came instead). */
function prizeLine(label, outcome, prizeName) {
  const given = outcome.granted ? prizeName(outcome.granted) : "—";
  const line = el("li", { "data-testid": "reward-prize", "data-prize": outcome.granted ?? "" });
  line.append(el("span", { class: "reward-for" }, label), el("strong", {}, given));
  if (outcome.fallback_reason) {
    const why = { picked: prizeName(outcome.prize), reason: reasonText(outcome.fallback_reason), prize: given };
    line.append(el("span", { class: "when" }, t("result.fallback", why)));
  }
  return line;
}

function prizeLines(payload, prizeName) {
  const lines = [];
  if (payload.daily_prize) lines.push(prizeLine(t("checkin.reward_daily"), payload.daily_prize, prizeName));
  for (const milestone of payload.milestones) {
    const label = t(`checkin.reward_${milestone.kind}_milestone`, { n: milestone.days });
    lines.push(prizeLine(label, milestone, prizeName));
  }
  return lines;
}

function showProof(proof) {
  $("reward-proof").hidden = !proof;
  $("reward-proof").open = false;
  if (!proof) return;
  $("proof-period").textContent = proof.period;
  $("proof-commitment").textContent = proof.commitment;
  $("proof-client-seed").textContent = proof.client_seed;
  $("proof-nonce").textContent = proof.nonce;
}

/**
 * Fill the dialog from ``answer`` (a check_in or make_up answer): ``prizeName(key)`` names a pool prize,
 * ``isSpin(key)`` says whether a prize gives wheel spins (then "去抽奖" shows, when the page has the wheel).
 */
export function fillReward(answer, { prizeName, isSpin }) {
  const { name, payload } = dayEvent(answer);
  const madeUp = name === "checkin.made_up";
  $("reward-title").textContent = t(madeUp ? "checkin.reward_title_makeup" : "checkin.reward_title");
  $("reward-points").textContent = t("checkin.reward_points", { points: payload.points });
  $("reward-detail").textContent = t("checkin.reward_streak", { date: dayLabel(payload.date), n: payload.streak });
  const refused = $("reward-refused");
  const reason = payload.points_refused;
  refused.hidden = !reason;
  refused.textContent = reason ? t("checkin.reward_refused", { reason: reasonText(reason) }) : "";
  const lines = prizeLines(payload, prizeName);
  $("reward-prizes").hidden = !lines.length;
  $("reward-prizes").replaceChildren(...lines);
  const spins = [payload.daily_prize, ...payload.milestones].some((o) => o?.granted && isSpin(o.granted));
  if ($("reward-spin")) $("reward-spin").hidden = !spins;
  showProof(answer.proof);
}

/** Open the filled dialog, with its stamp and confetti unless motion is reduced, and focus its main button. */
export function openReward() {
  const dialog = $("reward");
  const confetti = $("celebration");
  const moving = !prefersReducedMotion();
  dialog.returnValue = "";
  dialog.dataset.animated = String(moving);
  for (const node of [dialog, confetti]) node.classList.remove("is-on");
  confetti.hidden = !moving;
  dialog.showModal();
  if (moving) {
    void dialog.offsetWidth; // restart the stamp and the confetti for this reward
    for (const node of [dialog, confetti]) node.classList.add("is-on");
  }
  $("reward-ok").focus();
}
