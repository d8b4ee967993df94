// What the points mall's pages share: the catalog as the server answers it, a good's art, price and state as the
// server said them, the time left in a good's window (display only: ticking on the device's clock, the server
// says again what is on sale once it runs out) and refusals in plain words.

import { api, ApiError, errorText } from "../api.js";
import { el } from "../dom.js";
import { yuanShort } from "../format.js";
import { has, t } from "../i18n.js";
import { timeLeft } from "../share/progress.js";

const KIND_ART = {
  coupon: "../prizes/coupon.svg",
  red_packet: "../prizes/red-packet.svg",
  virtual: "../prizes/ticket.svg",
  gift_card: "./art/gift-card.svg",
  physical: "./art/physical.svg",
};

export const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
export const mallPath = `/api/play/${campaignId}/mall`;

/** The mall home's answer: goods at the shopper's tier price, their points, tier and discount. */
export function loadMall() {
  return api(mallPath);
}

/** The page of ``good``. */
export function goodUrl(good) {
  return `/play/${campaignId}/mall/${good.id}`;
}

/** ``good``'s own image, else the picture of its kind. */
export function goodArt(good, className = "good-image") {
  const src = good.image || new URL(KIND_ART[good.kind] ?? KIND_ART.physical, import.meta.url).href;
  return el("img", { class: className, src, alt: "" });
}

/** A translated label of ``prefix.value`` when there is one, else ``value`` itself. */
export function labelOf(prefix, value) {
  return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

/** "8.5折" / "15% off" for the server's ``percent`` of the price; "" when there is no discount. */
export function discountText(percent) {
  return percent < 100 ? t("mall.discount", { zhe: percent / 10, off: 100 - percent }) : "";
}

/** The shopper's tier and its discount: "金牌会员 · 兑换享 8.5 折". */
export function tierText(mall) {
  const discount = discountText(mall.discount_percent);
  return [labelOf("mall.tier", mall.tier), discount].filter(Boolean).join(" · ");
}

/** The good's price at the shopper's tier (and its cash part), the list price struck through when discounted. */
export function priceLine(good) {
  const discounted = good.list_points > good.points;
  return el(
    "p",
    { class: "price" },
    el("strong", { class: "price-points", "data-testid": "good-price" }, t("mall.points_unit", { points: good.points })),
    good.cash_fen ? el("span", { class: "price-cash" }, t("mall.cash_part", { amount: yuanShort(good.cash_fen) })) : null,
    discounted ? listPrice(good.list_points) : null,
  );
}

function listPrice(points) {
  return el(
    "span",
    { class: "price-list", "data-testid": "good-list-price" },
    el("s", { "aria-hidden": "true" }, t("mall.points_unit", { points })),
    el("span", { class: "sr-only" }, t("mall.list_price", { points })),
  );
}

/** What keeps the shopper from redeeming ``good`` now, as the server said it (a message key), or null. */
export function blockedKey(good) {
  if (good.sale !== "on_sale") return `mall.sale.${good.sale}`;
  return good.tier_allowed ? null : "mall.tier_low";
}

/** The countdown of ``good``'s window: to its end while on sale, to its start while coming; null otherwise. */
export function windowCountdown(good) {
  if (good.sale === "on_sale" && good.ends_at) return countdown(good.ends_at, "mall.ends_in");
  if (good.sale === "coming" && good.starts_at) return countdown(good.starts_at, "mall.starts_in");
  return null;
}

function countdown(until, key) {
  const node = el("span", { class: "countdown", "data-testid": "good-countdown", "data-until": until, "data-key": key });
  showLeft(node);
  return node;
}

/** Fill ``node`` with its time left; whether it has just run out (it was running). */
function showLeft(node) {
  const left = timeLeft(node.dataset.until);
  const wasRunning = node.dataset.running === "yes";
  node.dataset.running = left === null ? "no" : "yes";
  node.textContent = left === null ? "" : t(node.dataset.key, { time: left });
  return wasRunning && left === null;
}

/** Tick every countdown on the page each second; ``onEnd()`` when one runs out (ask the server again). */
export function tickCountdowns(onEnd) {
  setInterval(() => {
    const ended = [...document.querySelectorAll("[data-until]")].filter(showLeft);
    if (ended.length) onEnd();
  }, 1000);
}

/** Our words for a refusal of the mall (``mall.error.<code>``), else the shared ones, else the server's. */
export function refusalText(error) {
  const code = error instanceof ApiError ? error.code : "network";
  return has(`mall.error.${code}`) ? t(`mall.error.${code}`) : errorText(error);
}
