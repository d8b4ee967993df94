// The wallet page: points (what expires soon, what is owed for refunded orders), red packets, coupons, gift cards,
// play items, history. Display only.

import { api, errorText } from "./api.js";
import { el, showMessage } from "./dom.js";
import { date, dateTime, yuan, yuanDigits, yuanShort } from "./format.js";
import { currentLang, has, initI18n, localName, onLanguageChange, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const page = { wallet: null, error: null };

function orEmpty(items, emptyKey, tag = "li") {
  return items.length ? items : [el(tag, { class: "empty" }, t(emptyKey))];
}

function expiringItem({ points, expires_at }) {
  return el("li", {}, t("wallet.expiring_line", { points, date: date(expires_at) }));
}

function couponFace(coupon) {
  return coupon.kind === "interest_free"
    ? t("coupon.face_if", { periods: coupon.periods })
    : yuanShort(coupon.amount_fen ?? 0);
}

function couponTitle(coupon) {
  if (currentLang() === "zh" && coupon.title) return coupon.title; // the title is written in Chinese
  if (coupon.kind === "interest_free") return t("coupon.interest_free", { periods: coupon.periods });
  return t("coupon.full_reduction", {
    threshold: yuanShort(coupon.threshold_fen ?? 0),
    amount: yuanShort(coupon.amount_fen ?? 0),
  });
}

function couponTerms(coupon) {
  if (coupon.kind === "full_reduction") {
    return [
      t("coupon.full_reduction", {
        threshold: yuanShort(coupon.threshold_fen ?? 0),
        amount: yuanShort(coupon.amount_fen ?? 0),
      }),
    ];
  }
  const terms = [
    coupon.min_order_fen ? t("coupon.min_order", { amount: yuanShort(coupon.min_order_fen) }) : t("coupon.any_order"),
  ];
  if (coupon.category) terms.push(t("coupon.category", { category: coupon.category }));
  return terms;
}

function couponCard(coupon) {
  return el(
    "article",
    { class: `coupon is-${coupon.state}`, "data-testid": "coupon", "data-state": coupon.state },
    el("div", { class: "coupon-face" }, couponFace(coupon)),
    el(
      "div",
      { class: "coupon-body" },
      el("p", { class: "coupon-title" }, couponTitle(coupon)),
      el("p", {}, couponTerms(coupon).join(" · ")),
      el("p", {}, t("wallet.valid", { from: date(coupon.valid_from), until: date(coupon.valid_until) })),
      el("span", { class: "coupon-state" }, t(`state.${coupon.state}`)),
    ),
  );
}

function giftCardItem({ face_value_fen, state, created_at }) {
  return el(
    "li",
    { "data-testid": "gift-card", "data-state": state },
    el(
      "span",
      {},
      t("wallet.gift_card", { amount: yuanShort(face_value_fen) }),
      el("span", { class: "when" }, date(created_at)),
    ),
    el("span", { class: "amount" }, t(`wallet.gift_card_${state}`)),
  );
}

function heldItem({ item, count }) {
  const name = has(`item.${item}`) ? t(`item.${item}`) : item;
  return el("li", { "data-testid": "held-item" }, el("span", {}, name), el("span", { class: "amount" }, `× ${count}`));
}

function historyAmount({ reward_kind, amount }) {
  if (reward_kind === "points") return t("history.points", { n: amount });
  if (reward_kind === "red_packet") return t("history.red_packet", { amount: yuan(amount) });
  if (reward_kind === "gift_card") return t("history.gift_card", { amount: yuan(amount) });
  if (reward_kind === "item") return t("history.item", { n: amount });
  return has(`history.${reward_kind}`) ? t(`history.${reward_kind}`) : "";
}

function historyName(item) {
  if (item.prize_name === item.prize_key && has(`prize.${item.prize_key}`)) return t(`prize.${item.prize_key}`);
  return localName(item, "prize_name");
}

function historyItem(item) {
  return el(
    "li",
    { "data-testid": "history-item" },
    el("span", {}, historyName(item), el("span", { class: "when" }, dateTime(item.created_at))),
    el("span", { class: "amount" }, historyAmount(item)),
  );
}

function render() {
  showMessage(page.error ? errorText(page.error) : "");
  const wallet = page.wallet;
  if (!wallet) return;
  $("points").textContent = wallet.points;
  $("cash").textContent = yuanDigits(wallet.cash_fen);
  $("expiring").replaceChildren(...orEmpty(wallet.points_expiring.map(expiringItem), "wallet.no_expiring"));
  $("coupons").replaceChildren(...orEmpty(wallet.coupons.map(couponCard), "wallet.no_coupons", "p"));
  $("owed").hidden = !wallet.points_owed;
  $("owed").textContent = wallet.points_owed ? t("wallet.owed", { points: wallet.points_owed }) : "";
  $("gift-cards-card").hidden = !wallet.gift_cards?.length;
  $("gift-cards").replaceChildren(...(wallet.gift_cards ?? []).map(giftCardItem));
  $("items").replaceChildren(...orEmpty(wallet.items.map(heldItem), "wallet.no_items"));
  $("history").replaceChildren(...orEmpty(wallet.history.map(historyItem), "wallet.no_history"));
}

initI18n();
onLanguageChange(render);
try {
  page.wallet = await api("/api/play/wallet");
} catch (error) {
  page.error = error;
}
render();
