// The make-up (补签) confirmation: the missed day, its price as the server will charge it (one make-up card when
// the shopper holds one, else the points price) and the make-ups left this month.

import { has, t } from "../i18n.js";
import { dayLabel } from "./calendar-grid.js";

const $ = (id) => document.getElementById(id);

/** A play item's name: "抽奖机会", "补签卡", else its key. */
export function itemName(item) {
  return has(`item.${item}`) ? t(`item.${item}`) : item;
}

/** What a make-up costs this shopper now: a card they hold, else points; ``affordable`` when they can pay. */
function price(view) {
  const rules = view.makeup;
  const cards = rules.card_item ? (view.items_held?.[rules.card_item] ?? 0) : 0;
  if (cards > 0 || rules.price_points === null) return { card: rules.card_item, cards, affordable: cards > 0 };
  return { points: rules.price_points, affordable: view.points >= rules.price_points };
}

function priceText(cost, view) {
  if (cost.card) {
    const item = itemName(cost.card);
    return cost.affordable ? t("checkin.makeup_card", { item, n: cost.cards }) : t("checkin.makeup_no_card", { item });
  }
  const amounts = { price: cost.points, points: view.points };
  return t(cost.affordable ? "checkin.makeup_points" : "checkin.makeup_short", amounts);
}

/** Ask whether to make up ``day``; the dialog's ``close`` with returnValue "yes" (and ``dataset.day``) confirms. */
export function askMakeUp(view, day) {
  const dialog = $("makeup");
  const cost = price(view);
  $("makeup-title").textContent = t("checkin.makeup_title", { date: dayLabel(day) });
  $("makeup-price").textContent = priceText(cost, view);
  $("makeup-price").classList.toggle("is-short", !cost.affordable);
  const left = { left: view.makeup.left_this_month, max: view.makeup.monthly_max };
  $("makeup-left").textContent = t("checkin.makeup_left", left);
  $("makeup-yes").disabled = !cost.affordable;
  dialog.returnValue = "";
  dialog.dataset.day = day;
  dialog.showModal();
  (cost.affordable ? $("makeup-yes") : $("makeup-no")).focus();
}
