// A good of the points mall: its art, price at the shopper's tier, value, stock, limits and window, the quantity
// picker and 立即兑换 (step 1 of a redemption; ./redeem.js confirms and shows the result). Whether it can be
// redeemed, and at what price, is the server's answer.

import { ApiError } from "../api.js";
import { el, showMessage, translateLabels } from "../dom.js";
import { dateTime, yuanShort } from "../format.js";
import { initI18n, localName, onLanguageChange, t } from "../i18n.js";
import {
  blockedKey,
  discountText,
  goodArt,
  labelOf,
  loadMall,
  priceLine,
  refusalText,
  tickCountdowns,
  windowCountdown,
} from "./goods.js";
import { Redemption } from "./redeem.js";

const $ = (id) => document.getElementById(id);
const goodId = Number(document.querySelector("[data-good-id]").dataset.goodId);
const page = { mall: null, good: null, error: null, quantity: 1 };
const redemption = new Redemption(() => load());

/** The most the picker offers: the stock left and the good's own limits, as the server gave them (one for goods
 * Carnival issues). */
function mostAllowed(good) {
  const oneAtATime = good.delivered_by === "carnival" ? 1 : null; // coupons, red packets, gift cards: one a redemption
  const bounds = [good.stock_left, good.daily_limit, good.total_limit, oneAtATime].filter((n) => n !== null && n !== undefined);
  return Math.max(1, Math.min(...bounds));
}

function fact(key, ...value) {
  return [el("dt", {}, t(`mall.fact.${key}`)), el("dd", { "data-testid": `fact-${key}` }, ...value)];
}

function limitsText(good) {
  const limits = [];
  if (good.daily_limit !== null) limits.push(t("mall.daily_limit", { n: good.daily_limit }));
  if (good.total_limit !== null) limits.push(t("mall.total_limit", { n: good.total_limit }));
  return limits.length ? limits.join(" · ") : t("mall.no_limit");
}

function windowText(good) {
  const from = good.starts_at && dateTime(good.starts_at);
  const until = good.ends_at && dateTime(good.ends_at);
  if (from && until) return t("mall.window", { from, until });
  return from ? t("mall.window_from", { from }) : t("mall.window_until", { until });
}

function showFacts(good) {
  const facts = [
    ...fact("kind", labelOf("mall.kind", good.kind)),
    ...fact("value", yuanShort(good.value_fen)),
    ...fact("delivery", t(`mall.delivery.${good.delivered_by}`)),
    ...(good.cash_fen ? fact("cash", t("mall.cash_note", { amount: yuanShort(good.cash_fen) })) : []),
    ...fact("stock", t("mall.stock_left", { n: good.stock_left })),
    ...fact("limits", limitsText(good)),
    ...(good.starts_at || good.ends_at ? fact("window", windowText(good), " ", windowCountdown(good)) : []),
  ];
  $("facts").replaceChildren(...facts);
}

function showDetail(good, mall) {
  document.title = `${localName(good)} · ${t("mall.title")}`;
  const art = $("detail-art");
  art.querySelector("img")?.remove();
  art.prepend(goodArt(good, "detail-image"));
  $("detail-limited").hidden = !(good.sale === "on_sale" && good.ends_at);
  $("good-name").textContent = localName(good);
  $("detail-price").replaceChildren(priceLine(good));
  const discounted = good.list_points > good.points;
  $("tier-price").hidden = !discounted;
  const tier = labelOf("mall.tier", mall.tier);
  $("tier-price").textContent = discounted ? t("mall.tier_price", { tier, discount: discountText(mall.discount_percent) }) : "";
  const blocked = blockedKey(good);
  $("detail-state").hidden = !blocked;
  const said = blocked === "mall.tier_low" ? "mall.tier_needed" : blocked; // the page says why in full
  $("detail-state").textContent = said ? t(said) : "";
  showFacts(good);
}

function showBuy(good, mall) {
  page.quantity = Math.min(page.quantity, mostAllowed(good));
  const blocked = blockedKey(good);
  $("quantity").textContent = page.quantity;
  $("less").disabled = Boolean(blocked) || page.quantity <= 1;
  $("more").disabled = Boolean(blocked) || page.quantity >= mostAllowed(good);
  const points = good.points * page.quantity;
  $("total").textContent = good.cash_fen
    ? t("mall.total_cash", { points, amount: yuanShort(good.cash_fen * page.quantity) })
    : t("mall.total", { points });
  $("points").textContent = mall.points;
  $("redeem").disabled = Boolean(blocked);
  $("redeem").textContent = blocked ? t(blocked) : t("mall.redeem");
}

function render() {
  translateLabels();
  showMessage(page.error ? refusalText(page.error) : "");
  const { good, mall } = page;
  $("detail").hidden = !good;
  $("buy").hidden = !good;
  if (good) {
    showDetail(good, mall);
    showBuy(good, mall);
  }
  redemption.render();
}

async function load() {
  try {
    const mall = await loadMall();
    const good = mall.goods.find((g) => g.id === goodId) ?? null;
    Object.assign(page, { mall, good, error: good ? null : new ApiError(404, "good_not_found", "no such good") });
  } catch (error) {
    page.error = error;
  }
  $("loading").hidden = true;
  render();
}

function step(by) {
  page.quantity += by;
  render();
}

$("less").addEventListener("click", () => step(-1));
$("more").addEventListener("click", () => step(1));
$("redeem").addEventListener("click", () => page.good && redemption.ask(page.good, page.quantity));
initI18n();
onLanguageChange(render);
tickCountdowns(load);
await load();
