// The board's cost forecast, shown while the draft has a 白条大富翁 board: shoppers and the dice each is given, sent
// with the draft's pool and board settings (unsaved edits included) to POST /api/ops/simulate/games/monopoly. The
// server computes everything: the panel shows its expected, p95 and p99 cost per shopper and for the audience, the
// mean laps, how often each tile was landed on per roll (a bar chart, the figures in a table), and its messages by
// field.

import { api } from "./api.js";
import { COLORS, drawChart } from "./charts.js";
import { el, notice } from "./dom.js";
import { costFigures, kpi, numberInput, readNumber, showRefusal } from "./forecast-parts.js";
import { count, percent } from "./format.js";
import { has, localName, t } from "./i18n.js";

const GAME = "monopoly";
const URL = `/api/ops/simulate/games/${GAME}`;
const KIND_COLORS = {
  start: COLORS.ink,
  points: COLORS.blue,
  prize: COLORS.orange,
  draw: COLORS.purple,
  chance: COLORS.teal,
  rest: COLORS.grey,
};

/** A tile as ops know it: its number on the board and its name ("3 · 20积分"). */
function tileName(tiles, i) {
  const name = localName(tiles[i]);
  return name ? `${i + 1} · ${name}` : String(i + 1);
}

function kindName(kind) {
  return has(`enum.${kind}`) ? t(`enum.${kind}`) : (kind ?? "");
}

/** The landings per roll of each tile as bars, coloured by the tile's kind, its name in the tooltip. */
function landingChart(canvas, tiles, perRoll) {
  drawChart(canvas, {
    type: "bar",
    data: {
      labels: perRoll.map((_, i) => String(i + 1)),
      datasets: [
        {
          label: t("board_forecast.frequency"),
          data: perRoll.map((p) => p * 100),
          backgroundColor: perRoll.map((_, i) => KIND_COLORS[tiles[i]?.kind] ?? COLORS.grey),
        },
      ],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => tileName(tiles, items[0].dataIndex),
            label: (item) => `${t("board_forecast.frequency")}: ${percent(perRoll[item.dataIndex])}`,
          },
        },
      },
      scales: {
        x: { title: { display: true, text: t("board_forecast.tile") } },
        y: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } },
      },
    },
  });
}

function landingTable(tiles, perRoll) {
  const th = (key, cls) => el("th", { class: cls }, key === "#" ? key : t(key));
  return el(
    "table",
    { class: "grid-table compact landing-table", "data-testid": "board-forecast-landings" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        th("#", "num"),
        th("board_forecast.tile"),
        th("board_forecast.kind"),
        th("board_forecast.frequency", "num"),
      ),
    ),
    el(
      "tbody",
      {},
      perRoll.map((p, i) =>
        el(
          "tr",
          { "data-testid": "board-forecast-tile", "data-index": i },
          el("td", { class: "num" }, i + 1),
          el("td", {}, localName(tiles[i])),
          el("td", {}, kindName(tiles[i]?.kind)),
          el("td", { class: "num", "data-testid": "board-forecast-frequency" }, percent(p)),
        ),
      ),
    ),
  );
}

/** The figures of a forecast ``shown``: {result, shoppers, dice, tiles (as run), at}; ``canvas`` takes the chart. */
function resultsView(shown, canvas) {
  const { result, shoppers, dice, tiles, at } = shown;
  const meta = {
    shoppers: count(shoppers),
    dice: count(dice),
    sampled: count(result.shoppers_simulated),
    rolls: count(result.rolls_simulated),
    at: new Date(at).toLocaleTimeString(),
  };
  const expected = t("board_forecast.expected");
  const laps = kpi(t("board_forecast.laps"), count(result.mean_laps), "board-forecast-laps");
  return el(
    "div",
    { "data-testid": "board-forecast-results" },
    el("p", { class: "muted" }, t("board_forecast.meta", meta)),
    costFigures(t("board_forecast.per_shopper", meta), result.per_shopper, "board-forecast-shopper", expected, laps),
    costFigures(t("board_forecast.audience", meta), result.audience, "board-forecast-audience", expected),
    el("h3", {}, t("board_forecast.landings")),
    el("figure", { class: "chart-box" }, el("div", { class: "chart-area" }, canvas)),
    el("p", { class: "muted" }, t("board_forecast.landings_note")),
    el(
      "details",
      { class: "landing-details" },
      el("summary", {}, t("board_forecast.table")),
      landingTable(tiles, result.landings_per_roll),
    ),
  );
}

/**
 * The forecast panel in ``container`` (hidden while the draft has no board). ``getPool()`` and ``getConfig()`` give
 * the draft's pool and board settings as edited; ``render()`` draws it again (the games or the language changed).
 */
export function boardForecastPanel(container, { getPool, getConfig }) {
  const audience = { shoppers: "10000", dice_per_shopper: "10" };
  let shown = null; // the last forecast, with the tiles it was run for
  let refusal = null; // the last refusal (its messages by field), until the next run

  const message = el("div", { class: "notice", hidden: true, role: "alert", "data-testid": "board-forecast-message" });
  const button = el("button", { type: "button", class: "button primary", "data-testid": "run-board-forecast" });

  function request() {
    const shoppers = readNumber(audience.shoppers);
    const dice = readNumber(audience.dice_per_shopper);
    return { pool: getPool(), config: getConfig(), audience: { shoppers, dice_per_shopper: dice, seed: null } };
  }

  function numberField(name, attrs) {
    return el(
      "label",
      { class: "inline-field", "data-error-slot": `audience.${name}` },
      el("span", { class: "mini-label" }, t(`board_forecast.${name}`)),
      numberInput(audience[name], { ...attrs, "data-testid": `board-forecast-${name}` }, (v) => (audience[name] = v)),
    );
  }

  async function run() {
    const body = request();
    const tiles = structuredClone(Array.isArray(body.config?.tiles) ? body.config.tiles : []);
    button.disabled = true;
    refusal = null;
    render();
    notice(message, t("board_forecast.running"), "info");
    try {
      const result = await api(URL, { method: "POST", body });
      const { shoppers, dice_per_shopper: dice } = body.audience;
      shown = { result, shoppers, dice, tiles, at: Date.now() };
      notice(message, "");
    } catch (error) {
      refusal = error;
    } finally {
      button.disabled = false;
      render();
    }
  }
  button.addEventListener("click", run);

  function render() {
    const config = getConfig();
    container.hidden = !config;
    if (!config) return;
    button.textContent = t("board_forecast.run");
    const canvas = shown ? el("canvas", { "data-testid": "board-forecast-chart" }) : null;
    container.replaceChildren(
      el("h2", {}, t("board_forecast.title")),
      el("p", { class: "muted" }, t("board_forecast.intro")),
      el(
        "div",
        { class: "toolbar", "data-field-group": "audience" },
        numberField("shoppers", { min: 1, step: 1 }),
        numberField("dice_per_shopper", { min: 1, max: 200, step: 1 }),
        button,
      ),
      el("p", { class: "muted" }, t("board_forecast.note")),
      message,
      shown ? resultsView(shown, canvas) : el("p", { class: "muted" }, t("board_forecast.none")),
    );
    if (shown) landingChart(canvas, shown.tiles, shown.result.landings_per_roll);
    if (refusal) showRefusal(container, message, refusal, t("board_forecast.invalid"));
  }

  return { render };
}
