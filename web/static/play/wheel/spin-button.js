// The wheel page's main button: what the next spin costs, read from the game view the server sent
// (free spins left, extra spins left, their price, the shopper's points); and whether the shopper
// already agreed to spend points on a spin (asked once per device, or per session without storage).

import { t } from "../i18n.js";

const ACCEPTED_PREFIX = "carnival.points-spin.";
const acceptedHere = new Map(); // when the web view allows no storage at all: for this page only

/**
 * What the next spin is, as the server will charge it: "free", "item" (paid with a spin item the shopper
 * holds), "points" (an extra spin the shopper can pay for), "short" (extra spins are left but not the points
 * for one) or "done" (nothing left today).
 */
export function spinMode(view) {
  if (view.free_spins_left > 0) return "free";
  if (itemsLeft(view) > 0) return "item";
  if (!view.extra_spin_points || view.extra_spins_left <= 0) return "done";
  return view.points >= view.extra_spin_points ? "points" : "short";
}

/** How many of the wheel's spin item the shopper holds (0 when the wheel takes none). */
function itemsLeft(view) {
  return view.spin_item ? (view.items_held?.[view.spin_item] ?? 0) : 0;
}

/** True when the main button can start a spin in ``mode``. */
export function canSpin(mode) {
  return mode === "free" || mode === "item" || mode === "points";
}

/** The main button's text. */
export function spinLabel(view, mode) {
  if (mode === "free") return t("cta.free", { n: view.free_spins_left });
  if (mode === "item") return t("cta.item", { n: itemsLeft(view) });
  if (mode === "points") return t("cta.points", { cost: view.extra_spin_points });
  return t("cta.done");
}

/** The line under the main button: what comes after the free spins, what is left, how to get more. */
export function spinHint(view, mode) {
  const cost = view.extra_spin_points;
  if (mode === "free") return cost ? t("wheel.extra_cost", { cost, points: view.points }) : t("wheel.no_extra");
  if (mode === "item") return t("cta.item_hint");
  if (mode === "points") return t("cta.points_hint", { n: view.extra_spins_left, points: view.points });
  if (mode === "short") return t("cta.earn_hint", { cost, points: view.points });
  return t("wheel.no_extra");
}

function stores() {
  const found = [];
  for (const name of ["localStorage", "sessionStorage"]) {
    try {
      if (window[name]) found.push(window[name]);
    } catch {
      // a web view may forbid touching storage at all
    }
  }
  return found;
}

/** Whether the shopper agreed to pay ``cost`` points a spin in ``campaignId`` (a new price asks again). */
export function pointsSpinAccepted(campaignId, cost) {
  const key = ACCEPTED_PREFIX + campaignId;
  if (acceptedHere.get(key) === String(cost)) return true;
  for (const store of stores()) {
    try {
      if (store.getItem(key) === String(cost)) return true;
    } catch {
      // unreadable storage: ask
    }
  }
  return false;
}

/** Remember that the shopper agreed to pay ``cost`` points a spin (on the device when it allows). */
export function acceptPointsSpin(campaignId, cost) {
  const key = ACCEPTED_PREFIX + campaignId;
  acceptedHere.set(key, String(cost));
  for (const store of stores()) {
    try {
      store.setItem(key, String(cost));
      return;
    } catch {
      // full or forbidden: try the session's storage, else this page remembers
    }
  }
}
