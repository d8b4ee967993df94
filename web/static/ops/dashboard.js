// The live dashboard of one campaign. Metrics arrive over Socket.IO (namespace /ops: "watch" the
// campaign, then "metrics" at least every 2 s and after each committed spin); while the socket is
// silent (not connected yet, refused, or the server's namespace is missing) GET .../metrics every 2 s.
// Budget spent is compared with the server's forecast (the campaign's latest cost simulation, the
// same for every ops user), which comes with the metrics. Every time is shown on the campaign's clock and
// says so ("北京时间" for Asia/Shanghai, else the zone's name and offset); the CSV reports are downloaded
// in the console's language. A campaign with a share game also shows its held assists and fraud report
// (share-panel.js), refreshed with the metrics.

import { api, errorText } from "./api.js";
import { COLORS, drawChart } from "./charts.js";
import { $, el, notice } from "./dom.js";
import { count, dateTime, knownZone, percent, yuan, zoneName } from "./format.js";
import { showLifecycle } from "./lifecycle.js";
import { currentLang, has, localName, onLanguageChange, t } from "./i18n.js";
import { localize } from "./server-text.js";
import { requireOps } from "./session.js";
import { hasShareGame, sharePanel } from "./share-panel.js";

const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const POLL_MS = 2000;
const SILENT_MS = 4500;
const KIND_COLORS = { points: COLORS.blue, coupon: COLORS.purple, red_packet: COLORS.red, nothing: COLORS.grey };
const state = { detail: null, metrics: null, source: null, lastPush: 0, charts: {}, shares: null };

function prizeNames() {
  const prizes = state.detail?.published_config?.pool?.prizes ?? [];
  return Object.fromEntries(prizes.map((p) => [p.key, p]));
}

function prizeName(key, fallbackName) {
  const prize = prizeNames()[key];
  return prize ? localName(prize) : (fallbackName ?? key);
}

/** The campaign's time zone (its draft's, until the campaign row names it). */
function campaignZone() {
  const detail = state.detail;
  return detail?.campaign?.timezone ?? detail?.draft?.body?.timezone ?? "UTC";
}

/** ``time`` followed by the zone it is in. */
function inZone(time) {
  return t("dash.in_zone", { time, zone: zoneName(campaignZone()) });
}

/** "16:00:05" on the campaign's clock. */
function zoneClock(iso) {
  const locale = currentLang() === "en" ? "en-GB" : "zh-CN";
  const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
  const format = new Intl.DateTimeFormat(locale, { ...options, timeZone: knownZone(campaignZone()) });
  return format.format(new Date(Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"))));
}

/** The CSV downloads, in the console's current language. */
function renderReportLinks() {
  const reports = `/api/ops/campaigns/${campaignId}/reports`;
  $("grants-link").href = `${reports}/grants.csv?lang=${currentLang()}`;
  $("daily-link").href = `${reports}/daily.csv?lang=${currentLang()}`;
}

function renderHead() {
  const campaign = state.detail.campaign;
  const zone = campaignZone();
  $("campaign-title").textContent = localName(campaign);
  $("editor-link").href = `/ops/campaigns/${campaignId}`;
  $("rules-link").href = `/play/${campaignId}/rules`;
  $("rules-link").hidden = !campaign.version_hash;
  $("schedule").textContent = inZone(`${dateTime(campaign.starts_at, zone)} – ${dateTime(campaign.ends_at, zone)}`);
  $("schedule").dataset.zone = zone;
  for (const note of document.querySelectorAll("[data-zone-note]")) {
    note.textContent = t("dash.zone_note", { zone: zoneName(campaignZone()) });
  }
}

function renderStatus(m) {
  showLifecycle($("campaign-status"), { ...(state.detail?.campaign ?? {}), lifecycle: m.lifecycle });
}

function renderLive() {
  const live = $("live-status");
  const socket = state.source === "socket" && Date.now() - state.lastPush < SILENT_MS;
  live.dataset.source = socket ? "socket" : state.metrics ? "polling" : "connecting";
  live.textContent = t(`live.${live.dataset.source}`);
  $("updated-at").textContent = state.metrics ? t("live.updated", { at: inZone(zoneClock(state.metrics.at)) }) : "";
}

function renderKpis(m) {
  $("draws-total").textContent = count(m.draws_total);
  $("draws-total").dataset.value = m.draws_total;
  $("draws-last-minute").textContent = count(m.draws_last_minute);
  $("players").textContent = count(m.players);
  const grants = Object.values(m.grants_by_kind).reduce((a, b) => a + b, 0);
  $("grants-total").textContent = t("dash.grants_total", { n: count(grants) });
  $("peak-minute").textContent = t("dash.peak", { n: count(Math.max(0, ...m.draws_per_minute.map((b) => b.draws))) });
  $("per-player").textContent = m.players ? t("dash.per_player", { n: count(m.draws_total / m.players) }) : "";
  $("budget-spent").textContent = yuan(m.budget_spent_fen);
  $("budget-total").textContent = t("dash.of_total", { total: yuan(m.budget_total_fen) });
  const share = m.budget_total_fen > 0 ? m.budget_spent_fen / m.budget_total_fen : 0;
  $("budget-bar").style.width = `${Math.min(share, 1) * 100}%`;
  $("budget-bar").parentElement.classList.toggle("warn", share >= 0.8);
  $("budget-share").textContent = percent(share);
}

function noForecast() {
  $("forecast").replaceChildren(
    el("p", { class: "muted", "data-testid": "no-forecast" }, t("dash.no_forecast")),
    el("a", { href: `/ops/campaigns/${campaignId}#simulation` }, t("dash.run_simulation")),
  );
  $("budget-forecast").hidden = true;
  $("budget-forecast-text").textContent = "";
}

function forecastMarker(m, forecast) {
  const marker = $("budget-forecast");
  marker.hidden = !(m.budget_total_fen > 0);
  marker.style.left = `${Math.min(m.forecast_spent_fen / Math.max(m.budget_total_fen, 1), 1) * 100}%`;
  marker.title = t("dash.forecast_by_day", { n: forecast.day, value: yuan(m.forecast_spent_fen) });
  $("budget-forecast-text").textContent = `· ${marker.title}`;
}

function forecastSource(forecast) {
  const version = forecast.version_hash ? forecast.version_hash.slice(0, 12) : t("status.draft");
  const at = `${inZone(dateTime(forecast.created_at, campaignZone()))} · ${forecast.created_by} · ${version}`;
  return el("p", { class: "muted" }, t("dash.forecast_from", { at }));
}

function renderForecast(m) {
  const forecast = m.forecast;
  if (!forecast || m.forecast_spent_fen === null) {
    noForecast();
    return;
  }
  forecastMarker(m, forecast);
  $("forecast").replaceChildren(
    el(
      "dl",
      { class: "facts compact", "data-testid": "forecast" },
      el("dt", {}, t("dash.forecast_by_day_label", { n: forecast.day })),
      el("dd", { "data-testid": "forecast-spent", "data-value": m.forecast_spent_fen }, yuan(m.forecast_spent_fen)),
      el("dt", {}, "P95"),
      el("dd", {}, yuan(forecast.spent_p95_fen)),
      el("dt", {}, t("dash.budget")),
      el("dd", { "data-testid": "forecast-actual" }, yuan(m.budget_spent_fen)),
      el("dt", {}, t("sim.median")),
      el("dd", {}, yuan(forecast.total_fen)),
    ),
    forecastSource(forecast),
  );
}

function perMinuteChart(m) {
  const labels = m.draws_per_minute.map((b) => zoneClock(b.minute).slice(0, 5));
  const data = m.draws_per_minute.map((b) => b.draws);
  const chart = state.charts.minute;
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets[0].data = data;
    chart.data.datasets[0].label = t("dash.draws");
    chart.update("none");
    return;
  }
  state.charts.minute = drawChart($("chart-minute"), {
    type: "line",
    data: {
      labels,
      datasets: [
        {
          label: t("dash.draws"),
          data,
          borderColor: COLORS.red,
          backgroundColor: "rgba(217,54,62,.12)",
          fill: true,
          cubicInterpolationMode: "monotone",
          pointRadius: 2,
        },
      ],
    },
    options: {
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 10 } } },
    },
  });
}

function kindsChart(m) {
  const kinds = Object.keys(m.grants_by_kind).sort(
    (a, b) => Object.keys(KIND_COLORS).indexOf(a) - Object.keys(KIND_COLORS).indexOf(b),
  );
  const labels = kinds.map((k) => (has(`enum.${k}`) ? t(`enum.${k}`) : k));
  const data = kinds.map((k) => m.grants_by_kind[k]);
  const colors = kinds.map((k) => KIND_COLORS[k] ?? COLORS.teal);
  $("grants-list").replaceChildren(
    ...kinds.map((k, i) =>
      el(
        "li",
        { "data-testid": "grant-kind", "data-kind": k },
        el("span", { class: "dot", style: `background:${colors[i]}` }),
        labels[i],
        el("strong", {}, count(data[i])),
      ),
    ),
  );
  const chart = state.charts.kinds;
  if (chart) {
    Object.assign(chart.data, { labels });
    Object.assign(chart.data.datasets[0], { data, backgroundColor: colors });
    chart.update("none");
    return;
  }
  state.charts.kinds = drawChart($("chart-kinds"), {
    type: "doughnut",
    data: { labels, datasets: [{ data, backgroundColor: colors, borderWidth: 0 }] },
    options: { animation: false, cutout: "62%", plugins: { legend: { display: false } } },
  });
}

function renderStock(m) {
  $("stock").replaceChildren(
    ...m.stock.map((s) => {
      const share = s.total > 0 ? s.remaining / s.total : 0;
      const tone = share <= 0.1 ? "bad" : share <= 0.3 ? "warn" : "good";
      return el(
        "tr",
        { "data-testid": "stock-row", "data-prize": s.prize },
        el("td", {}, prizeName(s.prize, s.name)),
        el("td", { class: "num" }, count(s.remaining)),
        el("td", { class: "num muted" }, count(s.total)),
        el(
          "td",
          { class: "bar-cell" },
          el("div", { class: `meter ${tone}` }, el("div", { class: "meter-fill", style: `width:${share * 100}%` })),
        ),
      );
    }),
  );
  $("stock-empty").hidden = m.stock.length > 0;
}

function renderFallbacks(m) {
  const entries = Object.entries(m.fallbacks);
  $("fallbacks").replaceChildren(
    ...(entries.length
      ? entries.map(([reason, n]) =>
          el(
            "li",
            { "data-testid": "fallback" },
            has(`reason.${reason}`) ? t(`reason.${reason}`) : reason,
            el("strong", {}, count(n)),
          ),
        )
      : [el("li", { class: "muted" }, t("dash.no_fallbacks"))]),
  );
}

function renderWins(m) {
  $("wins").replaceChildren(
    ...(m.notable_wins.length
      ? m.notable_wins.map((w) =>
          el(
            "li",
            { "data-testid": "notable-win" },
            el("span", { class: "mono muted" }, w.seq === null ? "" : `#${w.seq}`),
            el("strong", {}, t("dash.user", { id: w.user })),
            t("dash.won"),
            el("span", { class: "prize" }, prizeName(w.prize, w.name)),
            el("span", { class: "muted" }, zoneClock(w.at)),
          ),
        )
      : [el("li", { class: "muted" }, t("dash.no_wins"))]),
  );
}

function render() {
  const m = state.metrics;
  renderLive();
  if (!m) return;
  renderStatus(m);
  renderKpis(m);
  renderForecast(m);
  perMinuteChart(m);
  kindsChart(m);
  renderStock(m);
  renderFallbacks(m);
  renderWins(m);
}

function receive(metrics, source) {
  if (metrics.campaign_id !== campaignId) return;
  if (state.metrics && Date.parse(metrics.at) < Date.parse(state.metrics.at)) return;
  state.metrics = metrics;
  state.source = source;
  if (source === "socket") state.lastPush = Date.now();
  notice($("dash-message"), "");
  render();
  state.shares?.();
}

async function poll() {
  try {
    receive(await api(`/api/ops/campaigns/${campaignId}/metrics`), "poll");
  } catch (error) {
    notice($("dash-message"), errorText(error));
  }
}

function connect() {
  if (typeof window.io !== "function") return;
  const socket = window.io("/ops");
  socket.on("connect", () => {
    socket.emit("watch", { campaign_id: campaignId }, (answer) => {
      if (answer?.error) notice($("dash-message"), localize(answer.message));
    });
  });
  socket.on("metrics", (metrics) => receive(metrics, "socket"));
  socket.on("disconnect", renderLive);
}

await requireOps();
renderReportLinks();
try {
  state.detail = await api(`/api/ops/campaigns/${campaignId}`);
  renderHead();
  if (hasShareGame(state.detail)) state.shares = sharePanel(campaignId, state.detail, campaignZone);
} catch (error) {
  notice($("dash-message"), errorText(error));
}
connect();
await poll();
setInterval(() => {
  if (Date.now() - state.lastPush > SILENT_MS) poll();
  else renderLive();
}, POLL_MS);
onLanguageChange(() => {
  renderReportLinks();
  if (state.detail) renderHead();
  for (const chart of Object.values(state.charts)) chart?.destroy();
  state.charts = {};
  render();
});
