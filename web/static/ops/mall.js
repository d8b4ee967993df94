// The points mall page of one campaign (积分商城): the goods with their image, kind, price, value, tier, 限时兑换
// window and the sale state the server reads on its clock, stock and redemptions, polled every POLL_MS so they follow
// shoppers' redemptions (a sold-out good stands out); the good form (mall-form.js) to add or edit one; the mall
// report (mall-report.js), polled less often, and its CSV. Every time is on the campaign's clock and says so.

import { api, errorText } from "./api.js";
import { $, el, notice } from "./dom.js";
import { count, dateTime, knownZone, yuan, zoneName } from "./format.js";
import { currentLang, has, localName, onLanguageChange, t } from "./i18n.js";
import { showLifecycle } from "./lifecycle.js";
import { goodEditor, loadable, tierGate } from "./mall-form.js";
import { renderReport, reportLink } from "./mall-report.js";
import { requireOps } from "./session.js";

const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const GOODS_URL = `/api/ops/campaigns/${campaignId}/mall/goods`;
const REPORT_URL = `/api/ops/campaigns/${campaignId}/mall/report`;
const POLL_MS = 3000;
const REPORT_MS = 15000;
const state = { detail: null, goods: null, shown: null, report: null, polledAt: null, reportAt: 0, polling: false };

/** The campaign's time zone (its draft's, until the campaign row names it). */
function zone() {
  return state.detail?.campaign?.timezone ?? state.detail?.draft?.body?.timezone ?? "UTC";
}

function renderHead() {
  const campaign = state.detail.campaign;
  $("campaign-title").textContent = localName(campaign);
  showLifecycle($("campaign-status"), campaign);
  for (const note of document.querySelectorAll("[data-zone-note]")) {
    note.textContent = t("dash.zone_note", { zone: zoneName(zone()) });
  }
}

/** "16:00:05（北京时间）": ``iso`` on the campaign's clock, saying so. */
function zoneClock(iso) {
  const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
  const format = new Intl.DateTimeFormat(currentLang() === "en" ? "en-GB" : "zh-CN", {
    ...options,
    timeZone: knownZone(zone()),
  });
  return t("dash.in_zone", { time: format.format(new Date(iso)), zone: zoneName(zone()) });
}

function renderLive() {
  $("live-status").dataset.source = state.polledAt ? "polling" : "connecting";
  $("live-status").textContent = t(`live.${$("live-status").dataset.source}`);
  $("updated-at").textContent = state.polledAt ? t("live.updated", { at: zoneClock(state.polledAt) }) : "";
}

function thumb(good) {
  if (loadable(good.image)) {
    return el("img", { class: "thumb", src: good.image, alt: "", loading: "lazy", "data-testid": "good-thumb" });
  }
  return el("span", { class: "thumb thumb-empty", "aria-hidden": "true" }, localName(good).slice(0, 1));
}

function kindName(kind) {
  return has(`enum.${kind}`) ? t(`enum.${kind}`) : kind;
}

function priceCell(good) {
  return el(
    "td",
    { class: "num", "data-testid": "good-price" },
    el("div", { class: "strong" }, t("mall.points", { n: count(good.points_price) })),
    good.cash_fen ? el("div", { class: "muted small" }, t("mall.plus_cash", { cash: yuan(good.cash_fen) })) : null,
  );
}

function limits(good) {
  const parts = [
    good.daily_limit ? t("mall.limits.daily", { n: good.daily_limit }) : null,
    good.total_limit ? t("mall.limits.total", { n: good.total_limit }) : null,
  ].filter(Boolean);
  return parts.length ? el("div", { class: "muted small" }, parts.join(" · ")) : null;
}

function windowText(good) {
  const at = (iso) => dateTime(iso, zone());
  if (good.starts_at && good.ends_at) return `${at(good.starts_at)} – ${at(good.ends_at)}`;
  if (good.starts_at) return t("mall.from", { time: at(good.starts_at) });
  if (good.ends_at) return t("mall.until", { time: at(good.ends_at) });
  return t("mall.always");
}

function windowCell(good) {
  const limited = Boolean(good.starts_at || good.ends_at);
  return el(
    "td",
    { class: "window-cell", "data-testid": "good-window" },
    el("div", {}, windowText(good)),
    el(
      "div",
      { class: "badges" },
      limited ? el("span", { class: "badge badge-limited", "data-testid": "good-limited" }, t("mall.limited")) : null,
      el(
        "span",
        { class: `badge sale sale-${good.sale}`, "data-testid": "good-sale", "data-sale": good.sale },
        t(`mall.sale.${good.sale}`),
      ),
    ),
  );
}

function stockCell(good) {
  const share = good.stock_total > 0 ? good.stock_left / good.stock_total : 0;
  const tone = good.stock_left === 0 ? "bad" : share <= 0.2 ? "warn" : "good";
  return el(
    "td",
    { class: "num stock-cell", "data-testid": "good-stock", "data-left": good.stock_left },
    el("span", { class: "strong" }, count(good.stock_left)),
    el("span", { class: "muted" }, ` / ${count(good.stock_total)}`),
    el("div", { class: `meter small ${tone}` }, el("div", { class: "meter-fill", style: `width:${share * 100}%` })),
  );
}

function goodRow(good) {
  const editing = editor.editing() === good.id;
  const edit = el("button", { type: "button", class: "button small", "data-testid": "good-edit" }, t("mall.edit"));
  edit.addEventListener("click", () => openEditor(() => editor.edit(good)));
  const classes = [good.stock_left === 0 ? "sold-out" : null, editing ? "editing" : null].filter(Boolean);
  return el(
    "tr",
    { "data-testid": "good-row", "data-good-id": good.id, class: classes.join(" ") || null },
    el("td", {}, thumb(good)),
    el(
      "td",
      { class: "good-name" },
      el("div", { class: "strong", "data-testid": "good-name" }, localName(good)),
      el("div", { class: "muted small" }, `#${good.id}`, editing ? ` · ${t("mall.editing")}` : ""),
    ),
    el("td", { "data-testid": "good-kind" }, kindName(good.kind)),
    el("td", {}, good.category),
    priceCell(good),
    el("td", { class: "num", "data-testid": "good-value" }, yuan(good.value_fen)),
    el("td", { "data-testid": "good-tier" }, tierGate(good.min_tier_rank), limits(good)),
    windowCell(good),
    stockCell(good),
    el("td", { class: "num", "data-testid": "good-redeemed" }, count(good.redeemed)),
    el("td", { class: "num muted" }, good.sort),
    el("td", { class: "row-actions" }, edit),
  );
}

/** Draw the goods table (unless nothing it shows changed since the last time: a row under the pointer stays put). */
function renderGoods({ force = false } = {}) {
  if (!state.goods) return;
  const shown = JSON.stringify([state.goods, editor.editing()]);
  if (shown === state.shown && !force) return;
  state.shown = shown;
  $("goods").replaceChildren(...state.goods.map(goodRow));
  $("goods-empty").hidden = state.goods.length > 0;
  $("goods-count").textContent = state.goods.length ? t("mall.goods_count", { n: state.goods.length }) : "";
}

function showGoods(goods) {
  state.goods = goods;
  state.polledAt = new Date().toISOString();
  renderGoods();
  renderLive();
  editor.watch(goods);
}

async function loadGoods() {
  try {
    showGoods(await api(GOODS_URL));
    if (!$("mall-message").classList.contains("notice-ok")) notice($("mall-message"), "");
  } catch (error) {
    notice($("mall-message"), errorText(error));
  }
}

async function loadReport() {
  state.reportAt = Date.now();
  try {
    state.report = await api(REPORT_URL);
    notice($("report-message"), "");
    renderReport(state.report, state.goods);
  } catch (error) {
    notice($("report-message"), errorText(error));
  }
}

async function poll() {
  if (state.polling) return;
  state.polling = true;
  try {
    await loadGoods();
    if (Date.now() - state.reportAt >= REPORT_MS) await loadReport();
  } finally {
    state.polling = false;
  }
}

async function openEditor(open) {
  try {
    await open();
    renderGoods();
  } catch (error) {
    notice($("mall-message"), errorText(error));
  }
}

const editor = goodEditor(campaignId, zone, {
  saved(good, message) {
    notice($("mall-message"), message, "ok");
    $("mall-message").dataset.good = good.id;
    Promise.all([loadGoods(), loadReport()]);
  },
  fresh: showGoods,
  closed: () => renderGoods(),
});

await requireOps();
reportLink(campaignId);
renderLive();
$("add-good").addEventListener("click", () => openEditor(() => editor.add()));
try {
  state.detail = await api(`/api/ops/campaigns/${campaignId}`);
  renderHead();
} catch (error) {
  notice($("mall-message"), errorText(error));
}
await Promise.all([loadGoods(), loadReport()]);
setInterval(poll, POLL_MS);
onLanguageChange(() => {
  if (state.detail) renderHead();
  renderLive();
  renderGoods({ force: true });
  if (state.report) renderReport(state.report, state.goods);
  editor.render();
});
