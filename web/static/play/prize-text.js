// Short texts about a prize as the game view and the spin answer describe it ({key, name, kind,
// display_value_fen, reward, image}): its conditions, its validity, a one-line summary.

import { redPacketValue, yuanShort } from "./format.js";
import { localName, t } from "./i18n.js";

/** The coupon a prize issues (its template: type, title, periods, min_order_fen, ...), or null. */
export function couponOf(prize) {
  return prize.kind === "coupon" ? (prize.reward?.coupon ?? null) : null;
}

/** A coupon template's conditions: ["订单满¥100可用", "限数码品类"] or ["满¥100减¥10"]. */
export function couponConditions(coupon) {
  if (coupon.type === "full_reduction") {
    const amounts = { threshold: yuanShort(coupon.threshold_fen ?? 0), amount: yuanShort(coupon.amount_fen ?? 0) };
    return [t("coupon.full_reduction", amounts)];
  }
  const conditions = [
    coupon.min_order_fen ? t("coupon.min_order", { amount: yuanShort(coupon.min_order_fen) }) : t("coupon.any_order"),
  ];
  if (coupon.category) conditions.push(t("coupon.category", { category: coupon.category }));
  return conditions;
}

/** One line under a prize's name in the prize list: a coupon's conditions, a red packet's amounts. */
export function prizeSummary(prize) {
  const coupon = couponOf(prize);
  if (coupon) return couponConditions(coupon).join(" · ");
  if (prize.kind === "red_packet" && prize.reward?.min_fen !== undefined) {
    return t("prizes.range", { range: redPacketValue(prize.reward) });
  }
  return "";
}

/** What a screen reader hears for a slot: its name, with its conditions or amounts when it has some. */
export function slotText(prize) {
  const name = localName(prize);
  const detail = prizeSummary(prize);
  return detail ? t("prizes.slot", { name, detail }) : name;
}

/** Prizes worth showing in the prize list: each once, in slot order, without "nothing". */
export function distinctPrizes(slots) {
  const seen = new Set();
  return slots.filter((prize) => prize.kind !== "nothing" && !seen.has(prize.key) && seen.add(prize.key));
}
