// The check-in cost forecast, shown while the draft has a check-in game: shoppers, days, and for each of the
// draft's tiers a share of the shoppers and a daily check-in probability, sent with the draft's pool and check-in
// settings (unsaved edits included) to POST /api/ops/simulate/games/checkin. The server computes everything: the
// panel shows its expected, p95 and p99 cost per shopper and for the audience, by tier, and its messages by field.

import { api } from "./api.js";
import { el, notice } from "./dom.js";
import { costFigures, numberInput as input, readNumber as read, showRefusal } from "./forecast-parts.js";
import { count, yuan } from "./format.js";
import { localName, t } from "./i18n.js";

const GAME = "checkin";
const URL = `/api/ops/simulate/games/${GAME}`;

/** Even shares of 1 in hundredths for ``n`` tiers, the rest of the rounding on the first: 3 -> 0.34, 0.33, 0.33. */
export function evenShares(n) {
  const each = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => (i === 0 ? 100 - each * (n - 1) : each) / 100);
}

function figures(title, figure, testid) {
  return costFigures(title, figure, testid, t("checkin_forecast.expected"));
}

function tierName(tiers, code) {
  const tier = tiers.find((each) => each.code === code);
  return tier ? `${localName(tier) || code} (${code})` : code;
}

/** ``byTier``'s entries in the order of the draft's tiers (then any other). */
function inTierOrder(byTier, tiers) {
  const place = (code) => {
    const i = tiers.findIndex((tier) => tier.code === code);
    return i < 0 ? tiers.length : i;
  };
  return Object.entries(byTier).sort(([a], [b]) => place(a) - place(b));
}

function byTierTable(result, tiers) {
  const head = ["checkin_forecast.tier", "checkin_forecast.expected", "P95", "P99"];
  return el(
    "table",
    { class: "grid-table compact", "data-testid": "checkin-forecast-by-tier" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        head.map((key, i) => el("th", { class: i ? "num" : "" }, key.includes(".") ? t(key) : key)),
      ),
    ),
    el(
      "tbody",
      {},
      inTierOrder(result.by_tier, tiers).map(([code, figure]) =>
        el(
          "tr",
          { "data-testid": "checkin-forecast-tier", "data-tier": code },
          el("td", {}, tierName(tiers, code)),
          [figure.expected_fen, figure.p95_fen, figure.p99_fen].map((fen) => el("td", { class: "num" }, yuan(fen))),
        ),
      ),
    ),
  );
}

/**
 * The forecast panel in ``container`` (hidden while the draft has no check-in game). ``getPool()`` and
 * ``getConfig()`` give the draft's pool and check-in settings as edited. ``render()`` draws it again (tiers or
 * language changed); ``edited(path)`` is told of every edit of the draft.
 */
export function checkinForecastPanel(container, { getPool, getConfig }) {
  const audience = { shoppers: "10000", days: "30", shares: [], chances: [] };
  let shown = null; // the last forecast: {result, shoppers, days, at}
  let refusal = null; // the last refusal (its messages by field), until the next run

  const tiers = () => (Array.isArray(getConfig()?.tiers) ? getConfig().tiers : []);

  function request() {
    const codes = tiers().map((tier) => tier.code);
    return {
      pool: getPool(),
      config: getConfig(),
      audience: {
        shoppers: read(audience.shoppers),
        days: read(audience.days),
        tier_mix: Object.fromEntries(codes.map((code, i) => [code, read(audience.shares[i])])),
        checkin_probability: Object.fromEntries(codes.map((code, i) => [code, read(audience.chances[i])])),
        seed: null,
      },
    };
  }

  /** A tier came or went: even shares again (the old ones no longer add up), the chances kept by place. */
  function fitTiers() {
    const n = tiers().length;
    if (n === audience.shares.length) return;
    audience.shares = evenShares(n).map(String);
    audience.chances = Array.from({ length: n }, (_, i) => audience.chances[i] ?? "0.5");
  }

  function numberField(name, label, attrs) {
    return el(
      "label",
      { class: "inline-field", "data-error-slot": `audience.${name}` },
      el("span", { class: "mini-label" }, label),
      input(audience[name], { ...attrs, "data-testid": `checkin-forecast-${name}` }, (v) => (audience[name] = v)),
    );
  }

  function tierRow(tier, i) {
    const code = tier.code ?? "";
    const name = localName(tier) || code;
    const cell = (list, key, testid, label) =>
      el(
        "td",
        { class: "num", "data-error-slot": `audience.${key}.${code}.value` },
        input(
          audience[list][i],
          { min: 0, max: 1, step: 0.01, "data-testid": testid, "aria-label": `${label}: ${name}` },
          (v) => (audience[list][i] = v),
        ),
      );
    return el(
      "tr",
      { "data-testid": "checkin-forecast-row", "data-tier": code },
      el("td", {}, `${name} `, el("span", { class: "mono muted" }, code)),
      cell("shares", "tier_mix", "checkin-forecast-share", t("checkin_forecast.share")),
      cell("chances", "checkin_probability", "checkin-forecast-chance", t("checkin_forecast.chance")),
    );
  }

  function tierTable() {
    const th = (key, cls) => el("th", { class: cls }, t(key));
    return el(
      "div",
      { "data-field-group": "audience" },
      el(
        "table",
        { class: "grid-table compact forecast-tiers", "data-testid": "checkin-forecast-tiers" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            th("checkin_forecast.tier"),
            th("checkin_forecast.share", "num"),
            th("checkin_forecast.chance", "num"),
          ),
        ),
        el("tbody", {}, tiers().map(tierRow)),
      ),
      el("div", { "data-error-slot": "audience.tier_mix" }),
      el("div", { "data-error-slot": "audience.checkin_probability" }),
    );
  }

  function results() {
    if (!shown) return el("p", { class: "muted" }, t("checkin_forecast.none"));
    const { result, shoppers, days, at } = shown;
    const meta = { shoppers: count(shoppers), sampled: count(result.shoppers_simulated), days };
    return el(
      "div",
      { "data-testid": "checkin-forecast-results" },
      el("p", { class: "muted" }, t("checkin_forecast.meta", { ...meta, at: new Date(at).toLocaleTimeString() })),
      figures(t("checkin_forecast.per_shopper", meta), result.per_shopper_month, "checkin-forecast-shopper"),
      figures(t("checkin_forecast.audience", meta), result.audience, "checkin-forecast-audience"),
      el("h3", {}, t("checkin_forecast.by_tier", meta)),
      byTierTable(result, tiers()),
    );
  }

  const message = el("div", {
    class: "notice",
    hidden: true,
    role: "alert",
    "data-testid": "checkin-forecast-message",
  });
  const button = el(
    "button",
    { type: "button", class: "button primary", "data-testid": "run-checkin-forecast" },
    t("checkin_forecast.run"),
  );

  async function run() {
    const body = request();
    button.disabled = true;
    refusal = null;
    render();
    notice(message, t("checkin_forecast.running"), "info");
    try {
      const result = await api(URL, { method: "POST", body });
      shown = { result, shoppers: body.audience.shoppers, days: body.audience.days, at: Date.now() };
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
    fitTiers();
    button.textContent = t("checkin_forecast.run");
    container.replaceChildren(
      el("h2", {}, t("checkin_forecast.title")),
      el("p", { class: "muted" }, t("checkin_forecast.intro")),
      el(
        "div",
        { class: "toolbar" },
        numberField("shoppers", t("checkin_forecast.shoppers"), { min: 1, step: 1 }),
        numberField("days", t("checkin_forecast.days"), { min: 1, max: 366, step: 1 }),
      ),
      tierTable(),
      el("div", { class: "toolbar" }, button, el("span", { class: "muted" }, t("checkin_forecast.note"))),
      message,
      results(),
    );
    if (refusal) showRefusal(container, message, refusal, t("checkin_forecast.invalid"));
  }

  return {
    render,
    edited(path) {
      if (path.startsWith(`config.games.${GAME}.tiers.`)) render();
    },
  };
}
