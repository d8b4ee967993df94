// The campaign messages page's funnel of one message (GET /api/ops/messages/ID/funnel): a row per A/B variant and
// batch (sent, delivered, opened, visited the campaign, played, ordered, orders, sales), each variant's sum when there
// are several, the total; a bar chart of the stages per variant (Chart.js, charts.js); and the same funnel as CSV.

import { api, errorText } from "./api.js";
import { COLORS, drawChart } from "./charts.js";
import { $, el, notice } from "./dom.js";
import { count, yuan } from "./format.js";
import { t } from "./i18n.js";

export const STAGES = ["sent", "delivered", "opened", "visited", "played", "ordered"];
const PALETTE = [COLORS.blue, COLORS.orange, COLORS.teal, COLORS.purple, COLORS.green];

function cells(stage) {
  return [
    ...STAGES.map((name) => el("td", { class: "num", "data-testid": `funnel-${name}` }, count(stage[name]))),
    el("td", { class: "num", "data-testid": "funnel-orders" }, count(stage.orders)),
    el("td", { class: "num", "data-testid": "funnel-sales" }, yuan(stage.sales_fen)),
  ];
}

function variantName(key) {
  return t("push.variant", { key });
}

function rows(found) {
  const byBatch = found.rows.map((row) =>
    el(
      "tr",
      { "data-testid": "funnel-row", "data-variant": row.variant, "data-batch": row.batch },
      el("td", {}, variantName(row.variant)),
      el("td", { class: "num" }, row.batch),
      cells(row),
    ),
  );
  const byVariant =
    found.variants.length > 1
      ? found.variants.map((v) =>
          el(
            "tr",
            { class: "subtotal", "data-testid": "funnel-variant", "data-variant": v.variant },
            el("td", {}, variantName(v.variant)),
            el("td", { class: "num muted" }, t("push.all_batches")),
            cells(v),
          ),
        )
      : [];
  const total = el(
    "tr",
    { class: "total", "data-testid": "funnel-total" },
    el("td", {}, t("push.total")),
    el("td"),
    cells(found.total),
  );
  return [...byBatch, ...byVariant, total];
}

function chart(found, state) {
  const labels = STAGES.map((name) => t(`push.stage.${name}`));
  const datasets = found.variants.map((v, i) => ({
    label: variantName(v.variant),
    data: STAGES.map((name) => v[name]),
    backgroundColor: PALETTE[i % PALETTE.length],
    borderRadius: 4,
  }));
  state.chart = drawChart($("funnel-chart"), {
    type: "bar",
    data: { labels, datasets },
    options: {
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: datasets.length > 1 } },
    },
  });
}

/** The funnel card: ``show(message)`` picks the message (null: none), ``load()`` reads its funnel again. */
export function funnelPanel() {
  const state = { message: null, found: null, chart: null };

  function render() {
    $("funnel-card").hidden = !state.message;
    if (!state.message) return;
    $("funnel-name").textContent = `${state.message.name} (#${state.message.id})`;
    $("funnel-csv").href = `/api/ops/messages/${state.message.id}/funnel.csv`;
    const found = state.found;
    const some = Boolean(found?.rows.length);
    $("funnel-table").hidden = !some;
    $("funnel-chart-box").hidden = !some;
    $("funnel-empty").hidden = some || !found;
    if (!some) return;
    $("funnel-rows").replaceChildren(...rows(found));
    chart(found, state);
  }

  async function load() {
    if (!state.message) return;
    const id = state.message.id;
    try {
      const found = await api(`/api/ops/messages/${id}/funnel`);
      if (state.message?.id !== id) return; // another message was picked meanwhile
      state.found = found;
      notice($("funnel-message"), "");
    } catch (error) {
      notice($("funnel-message"), errorText(error));
    }
    render();
  }

  async function show(message) {
    const same = state.message?.id === message?.id;
    state.message = message;
    if (!same) state.found = null;
    render();
    if (!same) await load();
  }

  return { show, load, render, shown: () => state.message?.id ?? null };
}
