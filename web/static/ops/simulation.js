// The simulation panel: POST /api/ops/campaigns/ID/simulate with the pool being edited and the
// audience (a large one answers 202 with a background job: the panel shows its progress, polling
// GET /api/ops/simulate/jobs/JOB, until the result comes), then charts of what the server computed:
// total cost histogram (median, p95, p99, budget marked), cumulative expected spend per day against the
// budget, and the stock-out probability per prize. The server keeps the result as the campaign's spend forecast (every ops dashboard shows it);
// this tab keeps it in sessionStorage only to redraw the panel after a reload.

import { api, ApiError, errorText } from "./api.js";
import { binPixel, COLORS, drawChart } from "./charts.js";
import { el, notice } from "./dom.js";
import { count, percent, yuan, yuanCompact } from "./format.js";
import { currentLang, localName, t } from "./i18n.js";

const storeKey = (campaignId) => `carnival.ops.simulation.${campaignId}`;
const POLL_MS = 500;

const isJob = (answer) => answer !== null && typeof answer === "object" && "days_done" in answer;
class JobFailed extends Error {}
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follow a background simulation job, showing its progress in ``message``; resolves to its result. */
async function followJob(job, message) {
  const bar = el("progress", { max: 1, value: 0, "data-testid": "sim-progress" });
  for (;;) {
    bar.value = job.progress;
    notice(message, t("sim.job_progress", { done: job.days_done, days: job.days }), "info", bar);
    if (job.status === "done") return job.result;
    if (job.status === "failed") throw new JobFailed(t("sim.job_failed"));
    await pause(POLL_MS);
    job = await api(`/api/ops/simulate/jobs/${encodeURIComponent(job.id)}`);
  }
}

/** The simulation this tab last drew for ``campaignId``, or null. */
function storedSimulation(campaignId) {
  try {
    return JSON.parse(sessionStorage.getItem(storeKey(campaignId)) ?? "null");
  } catch {
    return null;
  }
}

function store(campaignId, saved) {
  try {
    sessionStorage.setItem(storeKey(campaignId), JSON.stringify(saved));
  } catch {
    // the panel just starts empty after a reload
  }
}

/** Cumulative sums of ``values``. */
export function cumulative(values) {
  let sum = 0;
  return values.map((v) => (sum += v));
}

function tile(label, value, testid, tone = "") {
  return el(
    "div",
    { class: `kpi ${tone}` },
    el("div", { class: "kpi-label" }, label),
    el("div", { class: "kpi-value", "data-testid": testid }, value),
  );
}

function summary(result, budget) {
  const day = result.median_budget_exhausted_day;
  const risk = result.budget_exhausted_probability;
  return el(
    "div",
    { class: "kpis" },
    tile(t("sim.median"), yuan(result.cost_median_fen), "sim-median"),
    tile("P95", yuan(result.cost_p95_fen), "sim-p95"),
    tile("P99", yuan(result.cost_p99_fen), "sim-p99"),
    tile(t("sim.budget"), budget === null ? "—" : yuan(budget), "sim-budget"),
    tile(t("sim.exhausted"), percent(risk), "sim-exhausted", risk >= 0.5 ? "bad" : risk > 0.05 ? "warn" : "good"),
    tile(t("sim.exhausted_day"), day === null ? t("sim.never") : t("sim.day_n", { n: day }), "sim-exhausted-day"),
  );
}

/** Labels for amounts between ``min`` and ``max`` fen: compact when the spread is wide, exact when narrow. */
function axisMoney(min, max) {
  const spread = max - min;
  if (spread >= Math.abs(max) * 0.05) return (fen) => yuanCompact(fen);
  const decimals = spread < 1000 ? 2 : 0;
  const format = new Intl.NumberFormat(currentLang() === "en" ? "en-GB" : "zh-CN", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return (fen) => `¥${format.format(fen / 100)}`;
}

function histogram(canvas, result, budget) {
  const bins = result.histogram;
  const min = bins[0]?.from_fen ?? 0;
  const max = bins.at(-1)?.to_fen ?? 0;
  const money = axisMoney(min, max);
  const at = (value) => (chart) => binPixel(chart, value, min, max);
  const lines = [
    { x: at(result.cost_median_fen), label: `${t("sim.median")} ${money(result.cost_median_fen)}`, color: COLORS.blue },
    { x: at(result.cost_p95_fen), label: `P95 ${money(result.cost_p95_fen)}`, color: COLORS.orange },
    { x: at(result.cost_p99_fen), label: `P99 ${money(result.cost_p99_fen)}`, color: COLORS.red },
  ];
  if (budget !== null) {
    const arrow = budget > max ? " →" : budget < min ? "← " : "";
    const label =
      budget < min ? `${arrow}${t("sim.budget")} ${money(budget)}` : `${t("sim.budget")} ${money(budget)}${arrow}`;
    lines.push({ x: at(budget), label, color: COLORS.ink, dash: [] });
  }
  drawChart(canvas, {
    type: "bar",
    data: {
      labels: bins.map((b) => money((b.from_fen + b.to_fen) / 2)),
      datasets: [
        {
          label: t("sim.runs"),
          data: bins.map((b) => b.runs),
          backgroundColor: "rgba(47,111,219,.55)",
          barPercentage: 1,
          categoryPercentage: 0.96,
        },
      ],
    },
    options: {
      plugins: { legend: { display: false }, markers: { lines } },
      scales: {
        x: { title: { display: true, text: t("sim.total_cost") }, ticks: { maxTicksLimit: 8 } },
        y: { title: { display: true, text: t("sim.runs") } },
      },
    },
  });
}

function spend(canvas, result, budget) {
  const days = result.daily_cost_mean_fen.map((_, i) => i + 1);
  const total = cumulative(result.daily_cost_mean_fen);
  const datasets = [
    {
      label: t("sim.cumulative"),
      data: total.map((f) => f / 100),
      borderColor: COLORS.blue,
      backgroundColor: "rgba(47,111,219,.12)",
      fill: true,
      pointRadius: 0,
      tension: 0.2,
    },
  ];
  if (budget !== null) {
    datasets.push({
      label: t("sim.budget"),
      data: days.map(() => budget / 100),
      borderColor: COLORS.red,
      borderDash: [6, 4],
      pointRadius: 0,
    });
  }
  const day = result.median_budget_exhausted_day;
  const lines =
    day === null
      ? []
      : [
          {
            x: (chart) => chart.scales.x.getPixelForValue(day - 1),
            label: t("sim.runs_out", { n: day }),
            color: COLORS.red,
          },
        ];
  drawChart(canvas, {
    type: "line",
    data: { labels: days, datasets },
    options: {
      interaction: { mode: "index", intersect: false },
      plugins: {
        markers: { lines },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${yuan(Math.round(c.parsed.y * 100))}` } },
      },
      scales: {
        x: { title: { display: true, text: t("sim.day") } },
        y: { beginAtZero: true, ticks: { callback: (v) => yuanCompact(v * 100) } },
      },
    },
  });
}

function stockouts(canvas, result, pool) {
  const names = Object.fromEntries((pool?.prizes ?? []).map((p) => [p.key, localName(p) || p.key]));
  const prizes = result.prizes;
  const tone = (p) => (p >= 0.5 ? COLORS.red : p > 0.05 ? COLORS.orange : COLORS.green);
  drawChart(canvas, {
    type: "bar",
    data: {
      labels: prizes.map((p) => names[p.key] ?? p.key),
      datasets: [
        {
          label: t("sim.stockout"),
          data: prizes.map((p) => p.stockout_probability * 100),
          backgroundColor: prizes.map((p) => tone(p.stockout_probability)),
        },
      ],
    },
    options: {
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (c) => {
              const p = prizes[c.dataIndex];
              const day =
                p.median_stockout_day === null ? "" : ` · ${t("sim.stockout_day", { n: p.median_stockout_day })}`;
              return `${percent(p.stockout_probability)}${day} · ${t("sim.granted")} ${count(p.expected_granted)}`;
            },
          },
        },
      },
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
    },
  });
}

function chartBox(title, testid) {
  const canvas = el("canvas", { "data-testid": testid });
  return {
    canvas,
    box: el("figure", { class: "chart-box" }, el("figcaption", {}, title), el("div", { class: "chart-area" }, canvas)),
  };
}

/**
 * The simulation panel. ``getRequest()`` returns the pool, its caps, the audience and budget being edited.
 */
export function simulationPanel(container, { campaignId, getRequest, getPool }) {
  const runs = el("input", { type: "number", id: "sim-runs", value: "1000", step: 100, "data-testid": "sim-runs" });
  const seed = el("input", { type: "number", id: "sim-seed", placeholder: t("sim.random"), "data-testid": "sim-seed" });
  const button = el(
    "button",
    { type: "button", class: "button primary", "data-testid": "run-simulation" },
    t("sim.run"),
  );
  const message = el("div", { class: "notice", hidden: true, role: "alert", "data-testid": "sim-message" });
  const results = el("div", { class: "sim-results", "data-testid": "sim-results" });
  let shown = storedSimulation(campaignId);

  function render() {
    if (!shown) {
      results.replaceChildren(el("p", { class: "muted" }, t("sim.none")));
      return;
    }
    const { result, budget_fen: budget, at } = shown;
    const hist = chartBox(t("sim.chart_histogram"), "chart-histogram");
    const line = chartBox(t("sim.chart_spend"), "chart-spend");
    const bars = chartBox(t("sim.chart_stockout"), "chart-stockout");
    results.replaceChildren(
      el(
        "p",
        { class: "muted" },
        t("sim.meta", { runs: count(result.runs), draws: count(result.draws), at: new Date(at).toLocaleTimeString() }),
      ),
      summary(result, budget),
      el("div", { class: "chart-grid" }, hist.box, line.box, bars.box),
    );
    histogram(hist.canvas, result, budget);
    spend(line.canvas, result, budget);
    stockouts(bars.canvas, result, getPool());
  }

  async function run() {
    const request = { ...getRequest(), runs: runs.value === "" ? 1000 : Number(runs.value) };
    if (seed.value !== "") request.seed = Number(seed.value);
    button.disabled = true;
    notice(message, t("sim.running"), "info");
    try {
      const path = campaignId ? `/api/ops/campaigns/${campaignId}/simulate` : "/api/ops/simulate";
      const answer = await api(path, { method: "POST", body: request });
      const result = isJob(answer) ? await followJob(answer, message) : answer;
      shown = { at: Date.now(), result, budget_fen: request.budget_fen, days: request.days, pool: getPool() };
      store(campaignId, shown);
      notice(message, "");
      render();
    } catch (error) {
      const fields = error instanceof ApiError && error.code === "invalid_input" ? Object.entries(error.fields) : [];
      notice(
        message,
        error instanceof JobFailed ? error.message : errorText(error),
        "error",
        fields.length
          ? el(
              "ul",
              {},
              fields.map(([p, ms]) => el("li", {}, `${p}: ${ms.join("; ")}`)),
            )
          : "",
      );
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener("click", run);
  container.replaceChildren(
    el(
      "div",
      { class: "toolbar" },
      el(
        "label",
        { class: "inline-field", for: "sim-runs" },
        el("span", { class: "mini-label" }, t("sim.runs_input")),
        runs,
      ),
      el("label", { class: "inline-field", for: "sim-seed" }, el("span", { class: "mini-label" }, t("sim.seed")), seed),
      button,
      el("span", { class: "muted" }, t("sim.note")),
    ),
    message,
    results,
  );
  render();
  return { render };
}
