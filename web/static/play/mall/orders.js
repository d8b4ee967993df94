// My redemptions (我的兑换): the shopper's mall orders, newest first, with their state (待发货 / 已发货 / 已取消) and,
// on one not delivered yet, 取消兑换 after a confirmation (the server gives the points back). Display only.

import { api } from "../api.js";
import { el, showMessage } from "../dom.js";
import { dateTime, yuanShort } from "../format.js";
import { initI18n, localName, onLanguageChange, t } from "../i18n.js";
import { goodArt, loadMall, mallPath, refusalText } from "./goods.js";

const $ = (id) => document.getElementById(id);
const page = { orders: null, mall: null, error: null, cancelling: null, sending: false, cancelled: null };

function goodOf(order) {
  return page.mall?.goods.find((good) => good.id === order.good_id) ?? null;
}

function nameOf(order) {
  const good = goodOf(order);
  return good ? localName(good) : t("mall.order_good", { id: order.good_id });
}

function orderPrice(order) {
  const points = t("mall.points_unit", { points: order.points });
  return order.cash_fen ? `${points} ${t("mall.cash_part", { amount: yuanShort(order.cash_fen) })}` : points;
}

function cancelButton(order) {
  const button = el("button", { type: "button", class: "order-cancel", "data-testid": "order-cancel" }, t("mall.cancel"));
  button.addEventListener("click", () => askCancel(order));
  return button;
}

function orderItem(order) {
  const good = goodOf(order);
  const art = good ? goodArt(good, "order-image") : el("span", { class: "order-image" });
  return el(
    "li",
    { class: `order is-${order.state}`, "data-testid": "order", "data-order-id": order.id, "data-state": order.state },
    art,
    el(
      "div",
      { class: "order-body" },
      el("p", { class: "order-name", "data-testid": "order-name" }, t("mall.confirm_good", { name: nameOf(order), n: order.quantity })),
      el("p", { class: "amount", "data-testid": "order-points" }, orderPrice(order)),
      el("p", { class: "when" }, t("mall.order_id", { id: order.id }), " · ", t("mall.order_when", { time: dateTime(order.created_at) })),
    ),
    el(
      "div",
      { class: "order-side" },
      el("span", { class: "order-state", "data-testid": "order-state" }, t(`mall.state.${order.state === "fulfilled" && order.delivered_by === "carnival" ? "issued" : order.state}`)),
      order.state === "placed" ? cancelButton(order) : null,
    ),
  );
}

function showAccount(mall) {
  $("account").hidden = !mall;
  if (!mall) return;
  $("points").textContent = mall.points;
  $("expiring").hidden = !mall.points_expiring;
  $("expiring").textContent = mall.points_expiring ? t("mall.expiring", { points: mall.points_expiring }) : "";
}

function showCancel() {
  const order = page.cancelling;
  if (!order) return;
  $("cancel-text").textContent = t("mall.cancel_text", { name: nameOf(order), n: order.quantity, points: order.points });
  $("cancel-yes").textContent = t(page.sending ? "mall.cancelling" : "mall.cancel_yes");
  $("cancel-yes").disabled = page.sending;
  $("cancel-no").disabled = page.sending;
}

function render() {
  showMessage(page.error ? refusalText(page.error) : "");
  $("note").hidden = !page.cancelled;
  $("note").textContent = page.cancelled ? t("mall.cancelled", { points: page.cancelled.points }) : "";
  showAccount(page.mall);
  showCancel();
  if (!page.orders) return;
  const items = page.orders.map(orderItem);
  $("orders").replaceChildren(...(items.length ? items : [el("li", { class: "empty" }, t("mall.orders_empty"))]));
}

function askCancel(order) {
  page.cancelling = order;
  showCancel();
  $("cancel-dialog").showModal();
  $("cancel-no").focus();
}

async function cancel() {
  const order = page.cancelling;
  if (page.sending || !order) return;
  page.sending = true;
  page.cancelled = null;
  showCancel();
  try {
    page.cancelled = await api(`${mallPath}/orders/${order.id}/cancel`, { method: "POST" });
    page.error = null;
  } catch (error) {
    page.error = error;
  }
  page.sending = false;
  $("cancel-dialog").close("sent");
  await load({ keepError: true });
}

async function load({ keepError = false } = {}) {
  const [orders, mall] = await Promise.allSettled([api(`${mallPath}/orders`), loadMall()]);
  if (orders.status === "fulfilled") page.orders = orders.value;
  if (mall.status === "fulfilled") page.mall = mall.value;
  const failed = [orders, mall].find((answer) => answer.status === "rejected");
  if (!keepError || failed) page.error = failed ? failed.reason : null;
  $("loading").hidden = true;
  render();
}

$("cancel-yes").addEventListener("click", () => cancel());
$("cancel-dialog").addEventListener("cancel", (event) => page.sending && event.preventDefault());
initI18n();
onLanguageChange(render);
await load();
