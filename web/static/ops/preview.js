// The rules preview of the draft: the very rules document the public rules page will show once this
// draft is published, built by the server (POST /api/ops/rules-preview) from the draft as it is being
// edited: schedule, draw method, config hash, prizes with image, kind, display value, quantity and exact
// odds, games, caps and seed periods (none before publishing). Below it, the draft's redemption terms and a
// link to the published page. Nothing is computed here; the server's answer is shown as it is.

import { api, ApiError, errorText } from "./api.js";
import { fieldProblems, touches } from "./field-errors.js";
import { fieldLabel } from "./controls.js";
import { el, fill } from "./dom.js";
import { count, dateTime, percent, yuan } from "./format.js";
import { currentLang, has, localName, t } from "./i18n.js";

/** Per container: the last body asked about, the answer to it, and the request in flight. */
const states = new WeakMap();

function quantity(prize) {
  const total = prize.quantity === null ? t("pool.unlimited") : count(prize.quantity);
  if (prize.remaining === null) return total;
  return [total, el("div", { class: "muted small" }, t("preview.remaining", { n: count(prize.remaining) }))];
}

function prizeRow(prize) {
  return el(
    "tr",
    { "data-testid": "preview-prize", "data-key": prize.key },
    el(
      "td",
      {},
      prize.image ? el("img", { src: prize.image, alt: "", width: 20, height: 20, loading: "lazy" }) : null,
      prize.image ? " " : null,
      localName(prize) || prize.key,
      prize.fallback ? el("span", { class: "badge", "data-testid": "preview-fallback" }, t("pool.fallback")) : null,
    ),
    el("td", {}, t(`enum.${prize.kind}`)),
    el("td", { class: "num", "data-testid": "preview-display-value" }, yuan(prize.display_value_fen)),
    el("td", { class: "num", "data-testid": "preview-quantity" }, quantity(prize)),
    el(
      "td",
      { class: "num mono", "data-testid": "preview-odds" },
      `${prize.odds_numerator}/${prize.odds_denominator}`,
      el("div", { class: "muted small" }, percent(prize.probability)),
    ),
  );
}

function prizeTable(rules) {
  const heads = ["odds.prize", "preview.kind", "preview.display_value", "preview.quantity", "odds.odds"];
  return el(
    "table",
    { class: "grid-table compact", "data-testid": "preview-prizes" },
    el("thead", {}, el("tr", {}, heads.map((key, i) => el("th", { class: i > 1 ? "num" : null }, t(key))))),
    el("tbody", {}, rules.prizes.map(prizeRow)),
  );
}

/** The config hash as the version list shows it (first 12 hex digits; the whole hash on hover). */
function shortHash(rules) {
  return `${rules.config_hash.slice(0, 12)}…`;
}

function facts(rules) {
  const zone = rules.timezone;
  const schedule = `${dateTime(rules.starts_at, zone)} – ${dateTime(rules.ends_at, zone)} (${zone})`;
  return el(
    "dl",
    { class: "facts" },
    el("dt", {}, t("preview.schedule")),
    el("dd", { "data-testid": "preview-schedule" }, schedule),
    el("dt", {}, t("preview.draw_method")),
    el("dd", { "data-testid": "preview-draw-method" }, rules.draw_method),
    el("dt", {}, t("preview.config_hash")),
    el("dd", { class: "mono", title: rules.config_hash, "data-testid": "preview-config-hash" }, shortHash(rules)),
  );
}

function settingText(name, value) {
  if (typeof value === "number" && /_fen$/.test(name)) return yuan(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== "object")) return value.join(" · ");
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** A game's section of the rules: the lines the game writes for the public page, else its settings. */
function gameBlock([key, settings], rules) {
  const title = has(`game.${key}`) ? t(`game.${key}`) : key;
  const lines = (rules.game_rules ?? []).find((section) => section.game === key)?.lines ?? [];
  const body = lines.length
    ? el(
        "ul",
        { class: "rule-lines" },
        lines.map((line) => el("li", {}, (currentLang() === "en" && line.en) || line.zh)),
      )
    : el(
        "dl",
        { class: "facts" },
        Object.entries(settings).map(([name, value]) => [
          el("dt", {}, fieldLabel(name)),
          el("dd", { class: "mono" }, settingText(name, value)),
        ]),
      );
  return el(
    "div",
    { "data-testid": "preview-game", "data-key": key },
    el("h5", {}, title, el("span", { class: "mono muted" }, ` ${key}`)),
    body,
  );
}

function capLines(cap, prizes) {
  const per = t(`enum.${cap.per}`);
  const prize = prizes.find((p) => p.key === cap.prize);
  const lines = [];
  if (cap.max_count !== null) {
    const name = prize ? localName(prize) : t("preview.cap_any_prize");
    lines.push(t("preview.cap_count", { per, n: cap.max_count, prize: name }));
  }
  if (cap.max_value_fen !== null) lines.push(t("preview.cap_value", { per, value: yuan(cap.max_value_fen) }));
  return lines.map((line) => el("li", { "data-testid": "preview-cap", "data-key": cap.key }, line));
}

function capsList(rules) {
  if (!rules.caps.length) return el("p", { class: "muted", "data-testid": "preview-no-caps" }, t("preview.no_caps"));
  return el("ul", {}, rules.caps.flatMap((cap) => capLines(cap, rules.prizes)));
}

function periodBlock(period, zone) {
  return el(
    "dl",
    { class: "facts", "data-testid": "preview-period" },
    el("dt", {}, period.key),
    el("dd", {}, `${dateTime(period.starts_at, zone)} – ${dateTime(period.ends_at, zone)}`),
    el("dt", {}, t("preview.commitment")),
    el("dd", { class: "mono small" }, period.commitment),
  );
}

function periodsList(rules) {
  if (!rules.periods.length) {
    return [el("p", { class: "muted", "data-testid": "preview-no-periods" }, t("preview.no_periods"))];
  }
  return rules.periods.map((period) => periodBlock(period, rules.timezone));
}

function rulesDocument(rules) {
  return [
    el("h3", { class: "preview-title", "data-testid": "preview-name" }, localName(rules) || "—"),
    facts(rules),
    prizeTable(rules),
    el(
      "p",
      { class: "muted small", "data-testid": "preview-total-weight" },
      t("preview.total_weight", { n: count(rules.total_weight) }),
    ),
    el("h4", {}, t("preview.games")),
    ...Object.entries(rules.games).map((game) => gameBlock(game, rules)),
    el("h4", {}, t("preview.caps")),
    capsList(rules),
    el("h4", {}, t("preview.periods")),
    ...periodsList(rules),
  ];
}

function problems(error) {
  const entries = Object.entries(error instanceof ApiError ? error.fields : {});
  return el(
    "div",
    { class: "notice notice-warn", "data-testid": "preview-error" },
    el("strong", {}, t("preview.unavailable")),
    " ",
    entries.length ? t("preview.fix_draft") : errorText(error),
    entries.length ? el("ul", {}, fieldProblems(Object.fromEntries(entries))) : null,
  );
}

function redemption(body) {
  const terms = body.config?.redemption ?? {};
  return el(
    "dl",
    { class: "facts" },
    el("dt", {}, t("field.deadline")),
    el("dd", { "data-testid": "preview-deadline" }, terms.deadline || "—"),
    el("dt", {}, t("field.conditions")),
    el("dd", { "data-testid": "preview-conditions" }, terms.conditions || "—"),
  );
}

function publicLink(campaign) {
  if (!campaign.version_hash) return el("p", { class: "muted" }, t("preview.unpublished"));
  return el(
    "p",
    {},
    el(
      "a",
      { href: `/play/${campaign.id}/rules`, target: "_blank", "data-testid": "public-rules-link" },
      t("preview.public_link"),
    ),
  );
}

function draw(container, state) {
  fill(
    container,
    state.error ? problems(state.error) : null,
    state.rules ? rulesDocument(state.rules) : null,
    redemption(state.body),
    publicLink(state.campaign),
  );
  container.dataset.state = state.error ? "error" : "ready";
}

async function ask(container, state, key) {
  const seq = ++state.seq;
  state.pending = key;
  container.dataset.state = "loading";
  try {
    const rules = await api("/api/ops/rules-preview", { method: "POST", body: state.body });
    if (seq === state.seq) Object.assign(state, { key, rules, error: null });
  } catch (error) {
    if (seq === state.seq) Object.assign(state, { key, rules: null, error });
  }
  if (seq !== state.seq) return;
  state.pending = null;
  draw(container, state);
}

/**
 * Render the server's rules preview of ``body`` (the draft) in ``container``; ``campaign`` is its ops row
 * (for the link to the published page). The server is asked again only when the body changed, and an
 * answer to an older body is dropped. ``_odds`` is not needed: the preview carries its own exact odds.
 */
export function renderPreview(container, body, _odds, campaign, edited = null) {
  if (!states.has(container)) states.set(container, { seq: 0, key: null, pending: null, rules: null, error: null });
  const state = Object.assign(states.get(container), { body, campaign });
  const key = JSON.stringify(body);
  if (key === state.key && state.pending === null) return draw(container, state);
  const invalid = state.error instanceof ApiError ? state.error.fields : {};
  if (edited && Object.keys(invalid).length && !touches(invalid, edited)) return draw(container, state); // still invalid
  if (key !== state.pending) ask(container, state, key);
}
