// The points mall's home (积分商城): the shopper's points (what expires soon), tier and discount, category chips,
// sorting, and the goods at the shopper's tier price with their state. Display only: prices, stock and whether a
// good can be redeemed are the server's.

import { el, showMessage, translateLabels } from "../dom.js";
import { initI18n, localName, onLanguageChange, t } from "../i18n.js";
import {
  blockedKey,
  goodArt,
  goodUrl,
  labelOf,
  loadMall,
  priceLine,
  refusalText,
  tickCountdowns,
  tierText,
  windowCountdown,
} from "./goods.js";

const $ = (id) => document.getElementById(id);
const SORTS = {
  server: () => 0, // as the server ordered them (a stable sort keeps its order)
  points: (a, b) => a.points - b.points,
  value: (a, b) => b.value_fen - a.value_fen,
};
const page = { mall: null, error: null, category: null, sort: "server" };

function showAccount(mall) {
  $("points").textContent = mall.points;
  $("tier").textContent = tierText(mall);
  $("tier").dataset.tier = mall.tier;
  $("tier-note").hidden = mall.discount_percent < 100;
  $("expiring").hidden = !mall.points_expiring;
  $("expiring").textContent = mall.points_expiring ? t("mall.expiring", { points: mall.points_expiring }) : "";
}

function categoriesOf(goods) {
  return [...new Set(goods.map((good) => good.category))];
}

function chip(category) {
  const label = category === null ? t("mall.category_all") : labelOf("mall.category", category);
  const button = el(
    "button",
    { type: "button", class: "chip", "data-testid": "category-chip", "aria-pressed": String(page.category === category) },
    label,
  );
  if (category !== null) button.dataset.category = category;
  button.addEventListener("click", () => {
    page.category = category;
    render();
  });
  return button;
}

function showChips(goods) {
  const categories = categoriesOf(goods);
  if (!categories.includes(page.category)) page.category = null;
  $("categories").hidden = categories.length < 2;
  $("categories").replaceChildren(chip(null), ...categories.map(chip));
}

function showSorts() {
  for (const button of document.querySelectorAll("[data-sort]")) {
    button.setAttribute("aria-pressed", String(button.dataset.sort === page.sort));
  }
}

function goodCard(good) {
  const blocked = blockedKey(good);
  const limited = good.sale === "on_sale" && good.ends_at;
  const attributes = { class: "good-card", href: goodUrl(good), "data-testid": "good-card", "data-good-id": good.id };
  return el(
    "li",
    {},
    el(
      "a",
      { ...attributes, "data-sale": good.sale, "data-blocked": blocked ? "yes" : "no" },
      el(
        "div",
        { class: "good-art" },
        goodArt(good),
        limited ? el("span", { class: "ribbon", "data-testid": "good-limited" }, t("mall.limited")) : null,
        blocked ? el("span", { class: "good-state", "data-testid": "good-state" }, t(blocked)) : null,
      ),
      el("p", { class: "good-name", "data-testid": "good-name" }, localName(good)),
      priceLine(good),
      el(
        "p",
        { class: "good-meta" },
        el("span", { "data-testid": "good-stock" }, t("mall.stock_left", { n: good.stock_left })),
        windowCountdown(good),
      ),
    ),
  );
}

function showGoods(goods) {
  const shown = goods.filter((good) => page.category === null || good.category === page.category);
  const cards = [...shown].sort(SORTS[page.sort]).map(goodCard);
  $("goods").replaceChildren(...(cards.length ? cards : [el("li", { class: "empty" }, t("mall.empty"))]));
}

/** The flash sale (限时兑换) to feature: the one on sale ending soonest, else the one opening soonest. */
function featuredFlash(goods) {
  const by = (field) => (a, b) => Date.parse(a[field]) - Date.parse(b[field]);
  const running = goods.filter((good) => good.sale === "on_sale" && good.ends_at).sort(by("ends_at"));
  const coming = goods.filter((good) => good.sale === "coming" && good.starts_at).sort(by("starts_at"));
  return running[0] || coming[0] || null;
}

/** The banner features the flash sale, when there is one, linking to its good. */
function showBanner(goods) {
  const flash = featuredFlash(goods);
  const link = $("banner-flash");
  link.hidden = !flash;
  $("banner-title").hidden = $("banner-note").hidden = Boolean(flash);
  if (!flash) return;
  link.href = goodUrl(flash);
  link.dataset.goodId = flash.id;
  link.replaceChildren(
    el("span", { class: "mall-banner-title", "data-testid": "banner-flash-title" }, t("mall.banner_flash", { name: localName(flash) })),
    el(
      "span",
      { class: "mall-banner-note" },
      t("mall.stock_left", { n: flash.stock_left }),
      " · ",
      windowCountdown(flash),
    ),
  );
}

function render() {
  translateLabels();
  showMessage(page.error ? refusalText(page.error) : "");
  const mall = page.mall;
  $("account").hidden = !mall;
  showSorts();
  if (!mall) return;
  showAccount(mall);
  showBanner(mall.goods);
  showChips(mall.goods);
  showGoods(mall.goods);
}

async function load() {
  try {
    page.mall = await loadMall();
    page.error = null;
  } catch (error) {
    page.error = error;
  }
  $("loading").hidden = true;
  render();
}

for (const button of document.querySelectorAll("[data-sort]")) {
  button.addEventListener("click", () => {
    page.sort = button.dataset.sort;
    render();
  });
}
initI18n();
onLanguageChange(render);
tickCountdowns(load);
render();
await load();
