// What both share pages show of a share: the ring (the assists the server counted of the goal), the time left until
// the share's end (ticking each second on the device's clock) and the unlock tiers.

import { el } from "../dom.js";
import { t } from "../i18n.js";

const $ = (id) => document.getElementById(id);
const pad = (n) => String(n).padStart(2, "0");

/** Draw the ring: ``valid`` of ``goal`` assists. */
export function showRing(valid, goal) {
  const ring = $("progress");
  const filled = goal ? (Math.min(valid, goal) * 100) / goal : 0;
  $("ring-fill").setAttribute("stroke-dasharray", `${filled} 100`);
  $("ring-fill").setAttribute("visibility", filled > 0 ? "visible" : "hidden"); // no dot of a round cap at zero
  $("progress-count").textContent = `${valid}/${goal}`;
  ring.setAttribute("aria-valuemax", String(goal));
  ring.setAttribute("aria-valuenow", String(valid));
  ring.setAttribute("aria-valuetext", t("share.progress_aria", { valid, goal }));
  ring.dataset.valid = String(valid);
  ring.dataset.goal = String(goal);
}

/** The time from now until ``iso`` as "05:03:09" (or "1天 02:03:04"); null once it has passed. */
export function timeLeft(iso, nowMs = Date.now()) {
  const seconds = Math.floor((Date.parse(iso) - nowMs) / 1000);
  if (!(seconds > 0)) return null;
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const time = `${pad(hours)}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return days ? t("share.days", { d: days, time }) : time;
}

/** "剩余 05:03:09" in ``node`` each second until ``iso`` (none: hidden); ``onEnd()`` once it has passed. */
export class Countdown {
  constructor(node, onEnd) {
    this.node = node;
    this.onEnd = onEnd;
    this.until = null;
    this.timer = null;
  }

  set(iso) {
    if (iso !== this.until) {
      clearInterval(this.timer);
      this.until = iso;
      this.timer = iso && timeLeft(iso) !== null ? setInterval(() => this.tick(), 1000) : null;
    }
    this.show();
  }

  /** Show the time left; whether it has just run out. */
  show() {
    const left = this.until ? timeLeft(this.until) : null;
    this.node.hidden = left === null;
    this.node.textContent = left === null ? "" : t("share.time_left", { time: left });
    return this.timer !== null && left === null;
  }

  tick() {
    if (!this.show()) return;
    clearInterval(this.timer);
    this.timer = null;
    this.onEnd();
  }
}

/**
 * The tiers as list items: each threshold's assists and prize name (``tiers``: ``[{assists, name}]``). ``unlocked``
 * (the thresholds the server marked, by assists) are marked; while ``collecting``, the others say how many are missing.
 */
export function tierItems(tiers, { unlocked = [], valid = 0, collecting = false } = {}) {
  return tiers.map(({ assists, name }) => {
    const done = unlocked.includes(assists);
    let note = "";
    if (done) note = t("share.tier_unlocked");
    else if (collecting) note = t("share.tier_left", { n: Math.max(assists - valid, 0) });
    return el(
      "li",
      {
        class: `tier${done ? " is-unlocked" : ""}`,
        "data-testid": "tier",
        "data-assists": assists,
        "data-state": done ? "unlocked" : "locked",
      },
      el("span", { class: "tier-need" }, t("share.tier_need", { n: assists })),
      el("strong", { class: "tier-prize" }, name),
      note && el("span", { class: "tier-note" }, note),
    );
  });
}
