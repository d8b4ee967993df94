// The live odds table beside the pool editor: POST /api/ops/odds with the pool being edited, at most
// every 300 ms while typing; the table shows exactly what the server answers.

import { api, ApiError, errorText } from "./api.js";
import { fieldProblems, touches } from "./field-errors.js";
import { debounce, el, fill } from "./dom.js";
import { count, percent, yuan } from "./format.js";
import { localName, t } from "./i18n.js";

/** The quantity the rules page will disclose: the prize's stock, or "unlimited". */
function disclosed(quantity) {
  return quantity === null || quantity === undefined ? t("pool.unlimited") : count(quantity);
}

/** Prize names by key from the pool being edited (the odds rows carry the Chinese name only). */
function namesByKey(pool) {
  return Object.fromEntries((pool?.prizes ?? []).map((p) => [p.key, p]));
}

function row(r, prize, fallback) {
  return el(
    "tr",
    { "data-testid": "odds-row", "data-key": r.key },
    el(
      "td",
      {},
      prize ? localName(prize) || r.key : r.name,
      fallback ? el("span", { class: "badge" }, t("pool.fallback")) : null,
    ),
    el(
      "td",
      { class: "num" },
      el("span", { class: "mono", "data-testid": "odds-fraction" }, r.odds),
      el("div", { class: "muted small", "data-testid": "odds-percent" }, percent(r.probability)),
    ),
    el("td", { class: "num", "data-testid": "odds-disclosed" }, disclosed(r.disclosed_quantity)),
    el("td", { class: "num" }, count(r.expected_granted)),
    el("td", { class: "num" }, yuan(r.expected_cost_per_draw_fen)),
  );
}

function table(result, pool) {
  const names = namesByKey(pool);
  return el(
    "table",
    { class: "grid-table compact", "data-testid": "odds-table" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", {}, t("odds.prize")),
        el("th", { class: "num" }, t("odds.odds")),
        el("th", { class: "num" }, t("odds.disclosed")),
        el("th", { class: "num", title: t("odds.granted_hint") }, t("odds.granted")),
        el("th", { class: "num" }, t("odds.cost_per_draw")),
      ),
    ),
    el(
      "tbody",
      {},
      result.rows.map((r) => row(r, names[r.key], pool?.fallback === r.key)),
    ),
  );
}

function totals(result, draws) {
  return el(
    "dl",
    { class: "facts compact" },
    el("dt", {}, t("odds.total_weight")),
    el("dd", { class: "mono", "data-testid": "odds-total-weight" }, count(result.total_weight)),
    el("dt", {}, t("odds.expected_draws")),
    el("dd", {}, count(draws)),
    el("dt", {}, t("odds.cost_per_draw_total")),
    el("dd", {}, yuan(result.expected_cost_per_draw_fen)),
    el("dt", {}, t("odds.expected_total")),
    el("dd", { class: "strong", "data-testid": "odds-expected-total" }, yuan(result.expected_total_cost_fen)),
  );
}

function problems(error) {
  const entries = Object.entries(error instanceof ApiError ? error.fields : {});
  return el(
    "div",
    { class: "notice notice-warn", "data-testid": "odds-error" },
    el("strong", {}, t("odds.unavailable")),
    " ",
    entries.length ? t("odds.fix_pool") : errorText(error),
    entries.length ? el("ul", {}, fieldProblems(Object.fromEntries(entries))) : null,
  );
}

/**
 * Live odds for the editor. ``getPool()`` and ``getDraws()`` read the form; ``onResult(result|null)``
 * hears every answer (the rules preview uses it). Returns ``{refresh, render}``.
 */
export function liveOdds(container, { getPool, getDraws, onResult }) {
  const state = { result: null, error: null, draws: 0, seq: 0, busy: false };

  function render() {
    const pool = getPool();
    fill(
      container,
      state.error ? problems(state.error) : null,
      state.result ? table(state.result, pool) : null,
      state.result ? totals(state.result, state.draws) : null,
    );
    container.classList.toggle("stale", state.busy);
    container.dataset.state = state.busy ? "loading" : state.error ? "error" : "ready";
  }

  async function fetchOdds() {
    const seq = ++state.seq;
    const draws = getDraws();
    try {
      const result = await api("/api/ops/odds", { method: "POST", body: { pool: getPool(), expected_draws: draws } });
      if (seq !== state.seq) return;
      Object.assign(state, { result, error: null, draws, busy: false });
    } catch (error) {
      if (seq !== state.seq) return;
      Object.assign(state, { error, busy: false });
    }
    render();
    onResult(state.error ? null : state.result);
  }

  const later = debounce(fetchOdds, 300);
  return {
    /** Ask again for the edited pool; after an invalid answer, only when ``path`` (the edit) touches it. */
    refresh(path) {
      const invalid = state.error instanceof ApiError ? state.error.fields : {};
      if (path && Object.keys(invalid).length && !touches(invalid, path)) return;
      state.busy = true;
      container.classList.add("stale");
      later();
    },
    now: fetchOdds,
    render,
  };
}
