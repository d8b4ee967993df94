// The Monopoly page (白条大富翁): the board as a ring with the token, the dice and the roll button, the props, the
// laps, the task list that earns dice, the winners marquee. A roll is the server's: the dice tumble while it
// answers, then show its faces, the token hops along the walk it answered and the popup says what it granted.

import { api, ApiError, errorText } from "../api.js";
import { GameActions } from "../actions.js";
import { el, prefersReducedMotion, translateLabels } from "../dom.js";
import { currentLang, has, initI18n, localName, onLanguageChange, t } from "../i18n.js";
import { connectLive } from "../live.js";
import { WinnersMarquee } from "../winners.js";
import { Board } from "./board.js";
import { Dice } from "./dice.js";
import { fillLanding, openLanding, rolledEvent } from "./landing-dialog.js";
import { Props } from "./props.js";
import { TaskList } from "./tasks.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const games = `/api/play/${campaignId}/games`;
const GAME_GRANTS = { "monopoly.points": "points", "monopoly.free_roll": "item" }; // the board's own grants' kinds

const state = { view: null, rules: null, rolling: false, stale: false, error: null, landing: null, heldWins: [] };
const actions = new GameActions(`${games}/monopoly`);
const board = new Board({ board: $("board"), token: $("token"), wrap: $("board-wrap") }, prizeKind);
const dice = new Dice($("dice"), $("dice-said"));
const props = new Props({ onRemote: (steps) => roll({ remote: steps }), onChange: () => showButton() });
const marquee = new WinnersMarquee($("marquee-track"), prizeNameOrNull);
const tasks = new TaskList(
  { card: $("tasks-card"), list: $("task-list"), note: $("task-note") },
  { base: `${games}/tasks`, prizeName, onEarned: () => load(), onError: (error) => showError(error) },
);

/** Our text for a refusal of ``body``: the board's own wording first (dice, props), else the shared one. */
function refusalText(error, body) {
  const code = error instanceof ApiError ? error.code : "network";
  const asked = body && (body.remote !== undefined || body.double);
  if (code === "insufficient_items" && asked) return t("monopoly.error.insufficient_props");
  return has(`monopoly.error.${code}`) ? t(`monopoly.error.${code}`) : errorText(error);
}

function showError(error, { fromLoad = false, body = null } = {}) {
  state.error = error ? { error, fromLoad, body } : null;
  $("message").textContent = error ? refusalText(error, body) : "";
  $("message").hidden = !error;
}

/** A prize's name: the board's own grants (大富翁积分, 再掷一次), the campaign's prizes; null when unknown. */
function prizeNameOrNull(key) {
  if (key in GAME_GRANTS) return t(`monopoly.grant.${key.split(".")[1]}`);
  const prize = state.rules?.prizes.find((p) => p.key === key);
  return prize ? localName(prize) : null;
}

function prizeName(key) {
  return prizeNameOrNull(key) ?? key;
}

/** A prize's kind (points, coupon, red_packet, item, nothing), null when unknown. */
function prizeKind(key) {
  return GAME_GRANTS[key] ?? state.rules?.prizes.find((p) => p.key === key)?.kind ?? null;
}

function diceHeld(view) {
  return view.items_held?.[view.dice_item] ?? 0;
}

function buttonMode() {
  if (state.rolling) return "rolling";
  if (!state.view) return "none";
  return diceHeld(state.view) > 0 ? "ready" : "empty";
}

function showButton() {
  const mode = buttonMode();
  const view = state.view;
  const labels = {
    none: t(state.error && !view ? "monopoly.unavailable" : "monopoly.loading"),
    rolling: t("monopoly.rolling"),
    ready: view && t("monopoly.roll", { n: diceHeld(view) }),
    empty: t("monopoly.no_dice"),
  };
  const button = $("roll");
  button.textContent = labels[mode];
  button.dataset.mode = mode;
  button.disabled = mode !== "ready";
  let hint = "";
  if (mode === "ready") hint = props.double ? t("monopoly.roll_hint_double") : t("monopoly.roll_hint", { dice: view.dice });
  if (mode === "empty") hint = t(tasks.card.hidden ? "monopoly.no_dice_hint" : "monopoly.earn_hint");
  $("roll-hint").textContent = hint;
}

function showStats(view) {
  $("dice-left").textContent = diceHeld(view);
  $("laps").textContent = view.laps;
  $("points").textContent = view.points;
  const next = view.next_lap_milestone;
  $("lap-next").hidden = !next;
  if (next) $("lap-next").textContent = t("monopoly.lap_next", { laps: next.laps, prize: prizeName(next.prize), done: view.laps });
}

function render() {
  showButton();
  const view = state.view;
  if (!view) return;
  const name = $("campaign-name");
  delete name.dataset.i18n;
  name.textContent = localName(view, "campaign_name");
  board.setTiles(view.tiles);
  if (!state.rolling) board.place(view.tile);
  dice.setCount(view.dice);
  props.render(view, state.rolling);
  showStats(view);
}

function showRules() {
  const section = state.rules?.game_rules.find((game) => game.game === "monopoly");
  $("rules-card").hidden = !section;
  $("rule-lines").replaceChildren(...(section?.lines ?? []).map((line) => el("li", {}, line[currentLang()])));
}

/** Load the board's view (not while a roll is shown: once it has been). */
async function load() {
  if (state.rolling) {
    state.stale = true;
    return;
  }
  try {
    state.view = (await api(`${games}/monopoly`)).view;
    if (state.error?.fromLoad) showError(null);
  } catch (error) {
    if (!state.view) $("campaign-name").hidden = true; // no "loading…" forever
    showError(error, { fromLoad: true });
  }
  render();
}

/** The campaign's prizes and chance cards (their names) and the board's rules; the page works without them. */
async function loadRules() {
  try {
    state.rules = await api(`/api/campaigns/${campaignId}/rules`);
  } catch {
    return; // prizes are named by their keys
  }
  showRules();
  render();
  tasks.render();
  marquee.render();
}

/** Roll (with ``extra``: a remote-control die's steps), show the dice, walk the token, then the popup. */
async function roll(extra = {}) {
  if (state.rolling || !state.view) return;
  const body = props.double ? { ...extra, double: true } : { ...extra };
  const animate = !prefersReducedMotion();
  state.rolling = true;
  showError(null);
  render();
  if (animate) dice.tumble();
  try {
    const answer = await actions.send("roll", body);
    await showRoll(answer, animate);
  } catch (error) {
    dice.stop();
    state.rolling = false;
    showError(error, { body });
    render();
    if (error instanceof ApiError && error.status === 409) load(); // e.g. the last die used on another screen
  } finally {
    showHeldWins();
  }
}

async function showRoll(answer, animate) {
  const payload = rolledEvent(answer).payload;
  await dice.settle(payload.dice, payload.steps, Boolean(payload.remote));
  await board.walk([payload.start, ...payload.landings.map((landing) => landing.distance), payload.end], animate);
  const before = state.view;
  state.view = { ...answer.view, items_held: { ...before.items_held, ...payload.items } };
  props.reset();
  state.rolling = false;
  render();
  state.landing = { answer, gained: state.view.points - before.points };
  openLanding(fillShownLanding());
  if (answer.events.some((event) => event.name === "tasks.progress")) loadTasks(); // a task counts this roll
  if (state.stale) {
    state.stale = false;
    load();
  }
}

/** Fill the popup for the roll shown (again after a language switch); whether it won something. */
function fillShownLanding() {
  const context = {
    tiles: state.view.tiles,
    cards: state.rules?.games.monopoly?.cards ?? [],
    prizeName,
    prizeKind,
    gained: state.landing.gained,
    diceLeft: diceHeld(state.view),
  };
  return fillLanding(state.landing.answer, context);
}

function landingClosed() {
  if ($("landing").returnValue === "again") roll();
  else $("roll").focus();
}

/** A win in the campaign: into the marquee, but only after the token stopped (it may be this roll's). */
function showWin(ticker) {
  if (state.rolling) state.heldWins.push(ticker);
  else marquee.add(ticker);
}

function showHeldWins() {
  for (const ticker of state.heldWins.splice(0)) marquee.add(ticker);
}

/** Load the task list, then the roll button's hint (it points to the tasks when there are some). */
async function loadTasks() {
  await tasks.load();
  showButton();
}

/** A task progressed (a host event, a play, browsing): the list and the dice it may have granted. */
function tasksProgressed() {
  loadTasks();
  load();
}

function goLive() {
  const handlers = {
    ticker: showWin,
    "tasks.progress": tasksProgressed,
    reward: () => load(),
    campaign: () => {
      showError(null);
      load();
    },
  };
  connectLive(campaignId, handlers, (answer) => {
    $("marquee").dataset.live = answer?.ok ? "on" : "off";
  });
}

async function recentWins() {
  try {
    marquee.addEarlier(await api(`/api/campaigns/${campaignId}/winners`));
  } catch {
    // the live ticker still fills it
  }
}

initI18n();
translateLabels();
onLanguageChange(() => {
  translateLabels();
  showRules();
  render();
  tasks.render();
  marquee.render();
  if (state.landing && $("landing").open) fillShownLanding();
  if (state.error) showError(state.error.error, state.error);
});
$("roll").addEventListener("click", () => roll());
$("landing").addEventListener("close", landingClosed);
marquee.render();
render();
goLive();
load();
loadTasks();
loadRules();
recentWins();
