// The campaign editor: the draft as forms generated from the server's form descriptions, the pool
// with live odds, rules preview, simulation (and the games' own cost forecasts: the check-in's,
// checkin-forecast.js, and the board's, board-forecast.js), save (with revision), publish, pause/resume,
// versions and the audit trail. Every check is the server's; its messages are shown next to their fields.

import { api, errorText } from "./api.js";
import { renderAudit } from "./audit.js";
import { boardForecastPanel } from "./board-forecast.js";
import { renderAudience, renderHead } from "./editor-head.js";
import { $, debounce, el, notice } from "./dom.js";
import { clearFieldError, clearFieldErrors, generalList, showFieldErrors } from "./field-errors.js";
import { checkinForecastPanel } from "./checkin-forecast.js";
import { fieldLabel, getPath, setPath } from "./controls.js";
import { fieldRow, objectForm, tableEditor } from "./forms.js";
import { offsetLabel, toLocalInput } from "./format.js";
import { has, localName, onLanguageChange, t } from "./i18n.js";
import { liveOdds } from "./odds.js";
import { poolEditor } from "./pool.js";
import { refreshPrizeSelects } from "./prize-select.js";
import { followPool, poolKeys, sameKeys } from "./prize-slots.js";
import { confirmPublish } from "./preflight.js";
import { renderPreview } from "./preview.js";
import { requireOps } from "./session.js";
import { simulationPanel } from "./simulation.js";

const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const DAY_MS = 86_400_000;
const state = {
  detail: null,
  schemas: null,
  body: null,
  revision: 0,
  dirty: false,
  busy: false,
  errors: {},
  odds: null,
  audience: { players: 10_000, draws: 3, days: null },
};

const form = () => $("editor-form");
const pool = () => state.body.config?.pool ?? { prizes: [] };
const zone = () => state.body.timezone || "UTC";
let lastEdit = null; // the field path of the latest edit (null: the form was drawn again)
const refreshPreview = debounce(
  () => renderPreview($("preview"), state.body, state.odds, state.detail.campaign, lastEdit),
  200,
);

/** The games' prize slots and prize fields follow a change of the pool's keys or weights: the games are drawn
 * again at once (while a key is typed), or with the whole form when a prize comes or goes. */
function followPrizeKeys(before) {
  const after = poolKeys(pool());
  if (sameKeys(before, after)) return;
  const changed = followPool(state.body.config, state.schemas.games, before, after);
  if (after.keys.length !== before.keys.length || !changed.length) return; // a prize came or went: drawn again
  renderGames();
  showErrors(null);
}

const ctx = {
  onChange(path, value) {
    const keysBefore = path.startsWith("config.pool") ? poolKeys(pool()) : null;
    setPath(state.body, path, value);
    if (keysBefore) followPrizeKeys(keysBefore);
    if (path.startsWith("config.pool.prizes.")) updateKeys(); // names in the prize selects
    delete state.errors[path];
    clearFieldError(form(), path);
    markDirty(true);
    lastEdit = path;
    if (path.startsWith("config.pool")) odds.refresh(path);
    if (path === "timezone") showZone();
    forecast.edited(path);
    refreshPreview();
  },
  onStructure() {
    lastEdit = null;
    state.errors = {};
    renderForm();
    odds.refresh();
  },
  onKeys: () => updateKeys(),
  timeZone: zone,
  datalist: "prize-keys",
  prizes: () => pool().prizes ?? [],
};

const odds = liveOdds($("odds"), {
  getPool: pool,
  getDraws: () => state.audience.players * state.audience.draws * state.audience.days,
  onResult(result) {
    state.odds = result;
    refreshPreview();
  },
});

function markDirty(dirty) {
  state.dirty = dirty;
  $("dirty").hidden = !dirty;
}

function campaignDays(body) {
  const span = Date.parse(body.ends_at) - Date.parse(body.starts_at);
  return Number.isFinite(span) && span > 0 ? Math.max(1, Math.ceil(span / DAY_MS)) : 30;
}

function dateLabel(name) {
  return `${fieldLabel(name)} (${zone()}, ${offsetLabel(zone(), state.body[name])})`;
}

function showZone() {
  for (const name of ["starts_at", "ends_at"]) {
    const input = form().querySelector(`[data-field="${name}"]`);
    if (!input) continue;
    input.value = state.body[name] ? toLocalInput(state.body[name], zone()) : "";
    form().querySelector(`label[for="${input.id}"]`).firstChild.textContent = dateLabel(name);
  }
}

function updateKeys() {
  $("prize-keys").replaceChildren(...pool().prizes.map((p) => el("option", { value: p.key }, localName(p))));
  refreshPrizeSelects(form(), pool().prizes, (path) => getPath(state.body, path));
}

function gameTitle(key) {
  return has(`game.${key}`) ? t(`game.${key}`) : key;
}

/** A new game's settings: each field's default from the game's own form description. */
function gameDefaults(desc) {
  return Object.fromEntries((desc?.fields ?? []).filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
}

function setGames(games) {
  setPath(state.body, "config.games", games);
  markDirty(true);
  ctx.onStructure();
}

function removeGameButton(key, games) {
  const remove = el("button", { type: "button", class: "link-button", "data-testid": `remove-game-${key}` }, t("games.remove"));
  remove.disabled = Object.keys(games).length < 2; // a campaign runs at least one game
  remove.addEventListener("click", () => setGames(Object.fromEntries(Object.entries(games).filter(([k]) => k !== key))));
  return remove;
}

function addGamePicker(games) {
  const available = Object.keys(state.schemas.games).filter((key) => !(key in games));
  if (!available.length) return null;
  const select = el(
    "select",
    { "data-testid": "add-game-key", "aria-label": t("games.add") },
    ...available.map((key) => el("option", { value: key }, `${gameTitle(key)} (${key})`)),
  );
  const add = el("button", { type: "button", class: "button", "data-testid": "add-game" }, t("games.add"));
  add.addEventListener("click", () => setGames({ ...games, [select.value]: gameDefaults(state.schemas.games[select.value]) }));
  return el("div", { class: "add-game" }, select, add);
}

function gameSections() {
  const games = state.body.config?.games ?? {};
  const sections = Object.entries(games).map(([key, value]) => {
    const desc = state.schemas.games[key];
    const body = desc
      ? objectForm(desc, `config.games.${key}`, value, ctx)
      : el("p", { class: "notice notice-warn" }, t("games.unknown", { key }));
    return el(
      "section",
      { class: "game-section", "data-testid": `game-${key}`, "data-field-group": `config.games.${key}` },
      el("h3", {}, gameTitle(key), el("span", { class: "mono muted" }, ` ${key} `), removeGameButton(key, games)),
      body,
    );
  });
  return [...sections, addGamePicker(games)].filter(Boolean);
}

function renderForm() {
  const body = state.body;
  const campaignSchema = state.schemas.campaign;
  $("basics").replaceChildren(
    objectForm(campaignSchema, "", body, ctx, {
      skip: ["slug", "config"],
      labels: { starts_at: dateLabel("starts_at"), ends_at: dateLabel("ends_at") },
    }),
  );
  $("pool").replaceChildren(poolEditor(pool(), state.schemas.pool, ctx));
  $("caps").replaceChildren(
    tableEditor({ name: "caps", items: state.schemas.cap }, "config.caps", body.config?.caps ?? [], ctx),
  );
  renderGames();
  $("redemption").replaceChildren(
    objectForm(state.schemas.redemption, "config.redemption", body.config?.redemption ?? {}, ctx),
    el(
      "div",
      { class: "form-grid" },
      fieldRow(
        { name: "points_lifetime_days", type: "integer", minimum: 1 },
        "config.points_lifetime_days",
        body.config?.points_lifetime_days,
        ctx,
      ),
      fieldRow(
        { name: "seed_period_hours", type: "integer", enum: [24, 12, 8, 6, 4, 3, 2, 1] },
        "config.seed_period_hours",
        body.config?.seed_period_hours ?? 24,
        ctx,
      ),
    ),
  );
  updateKeys();
  showErrors(null);
  forecast.render();
  board.render();
}

function renderGames() {
  $("games").replaceChildren(el("div", { "data-field-group": "config.games" }, gameSections()));
}

function showErrors(error) {
  clearFieldErrors(form());
  const unplaced = showFieldErrors(form(), state.errors);
  if (error) notice($("editor-message"), errorText(error), "error", unplaced.length ? generalList(unplaced) : "");
}

function renderAll() {
  renderHead(state.detail, state.body, state.revision);
  renderAudience(state.audience, () => odds.refresh());
  renderForm();
  odds.render();
  sim.render();
  refreshPreview();
}

async function loadAudit() {
  try {
    renderAudit($("audit"), await api(`/api/ops/campaigns/${campaignId}/audit`));
  } catch (error) {
    notice($("editor-message"), errorText(error));
  }
}

async function load() {
  const [detail, schemas] = await Promise.all([
    api(`/api/ops/campaigns/${campaignId}`),
    state.schemas ?? api("/api/ops/schemas"),
  ]);
  Object.assign(state, {
    detail,
    schemas,
    body: structuredClone(detail.draft.body),
    revision: detail.draft.revision,
    errors: {},
  });
  state.audience.days ??= campaignDays(state.body);
  markDirty(false);
  renderAll();
  odds.now();
  loadAudit();
}

function conflict() {
  const reload = el(
    "button",
    { type: "button", class: "button small", "data-testid": "reload", onclick: () => window.location.reload() },
    t("action.reload"),
  );
  notice($("editor-message"), t("error.draft_changed"), "error", " ", reload);
}

function failed(error) {
  if (error.code === "draft_changed") return conflict();
  state.errors = error.fields ?? {};
  showErrors(error);
  form().querySelector("[aria-invalid]")?.scrollIntoView({ block: "center" });
}

async function act(work) {
  if (state.busy) return;
  state.busy = true;
  for (const b of document.querySelectorAll("[data-action]")) b.disabled = true;
  try {
    await work();
  } catch (error) {
    failed(error);
  } finally {
    state.busy = false;
    for (const b of document.querySelectorAll("[data-action]")) b.disabled = false;
  }
}

async function saveDraft() {
  const answer = await api(`/api/ops/campaigns/${campaignId}/draft`, {
    method: "PUT",
    body: { revision: state.revision, body: state.body },
  });
  state.revision = answer.revision;
  state.errors = {};
  showErrors(null);
  markDirty(false);
  state.detail = await api(`/api/ops/campaigns/${campaignId}`);
  renderHead(state.detail, state.body, state.revision);
  loadAudit();
}

const save = () =>
  act(async () => {
    await saveDraft();
    notice($("editor-message"), t("editor.saved", { n: state.revision }), "ok");
  });

const publish = () =>
  act(async () => {
    if (state.dirty) await saveDraft();
    const audience = { players_per_day: state.audience.players, draws_per_player: state.audience.draws };
    const summary = await api(`/api/ops/campaigns/${campaignId}/preflight`, {
      method: "POST",
      body: { revision: state.revision, audience },
    });
    const acknowledged = await confirmPublish(summary, zone());
    if (acknowledged === null) return;
    const answer = await api(`/api/ops/campaigns/${campaignId}/publish`, {
      method: "POST",
      body: { revision: state.revision, audience, acknowledged },
    });
    await load();
    notice($("editor-message"), t("editor.published", { hash: answer.version_hash.slice(0, 12) }), "ok");
  });

const setPaused = (paused) =>
  act(async () => {
    await api(`/api/ops/campaigns/${campaignId}/${paused ? "pause" : "resume"}`, { method: "POST" });
    state.detail = await api(`/api/ops/campaigns/${campaignId}`);
    renderHead(state.detail, state.body, state.revision);
    loadAudit();
    notice($("editor-message"), t(paused ? "editor.paused" : "editor.resumed"), "ok");
  });

const sim = simulationPanel($("simulation"), {
  campaignId,
  getPool: pool,
  getRequest: () => ({
    pool: pool(),
    caps: Array.isArray(state.body.config?.caps) ? state.body.config.caps : [],
    players_per_day: state.audience.players,
    draws_per_player: state.audience.draws,
    days: state.audience.days,
    budget_fen: typeof state.body.budget_fen === "number" ? state.body.budget_fen : null,
    daily_budget_fen: typeof state.body.daily_budget_fen === "number" ? state.body.daily_budget_fen : null,
  }),
});

const forecast = checkinForecastPanel($("checkin-forecast"), {
  getPool: pool,
  getConfig: () => state.body?.config?.games?.checkin,
});

const board = boardForecastPanel($("board-forecast"), {
  getPool: pool,
  getConfig: () => state.body?.config?.games?.monopoly,
});

await requireOps();
$("save").addEventListener("click", save);
$("publish").addEventListener("click", publish);
$("pause").addEventListener("click", () => setPaused(true));
$("resume").addEventListener("click", () => setPaused(false));
window.addEventListener("beforeunload", (event) => {
  if (state.dirty) event.preventDefault();
});
onLanguageChange(() => {
  if (!state.body) return;
  renderAll();
  loadAudit();
});
try {
  await load();
} catch (error) {
  notice($("editor-message"), errorText(error));
}
