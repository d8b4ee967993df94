// The check-in page (签到日历): load the shopper's month, check in on a tap, make up a missed day after a
// confirmation, switch tomorrow's reminder. The server decides every mark, streak, points amount and prize; this
// page only shows what it answers.

import { api, ApiError, errorText, newIdempotencyKey } from "../api.js";
import { el, translateLabels } from "../dom.js";
import { currentLang, has, initI18n, localName, onLanguageChange, t } from "../i18n.js";
import { calendarCells, monthLabel, weekdayCells } from "./calendar-grid.js";
import { askMakeUp, itemName } from "./makeup-dialog.js";
import { dayEvent, fillReward, openReward } from "./reward-dialog.js";
import { showMilestones } from "./streak-bar.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const base = `/api/play/${campaignId}/games/checkin`;
const milestoneParts = {
  next: $("next-milestone"),
  bar: $("streak-bar"),
  fill: $("streak-fill"),
  marks: $("streak-marks"),
  totalsCard: $("totals-card"),
  totals: $("totals"),
};
const state = { view: null, rules: null, busy: null, pending: null, error: null, answer: null, fresh: null };
let errorFromLoad = false; // a failed load's error goes once the page loads; a refused action's stays

/** Our text for a refusal: the check-in's own wording first (make-ups, not spins), else the shared one. */
function refusalText(error) {
  const code = error instanceof ApiError ? error.code : "network";
  return has(`checkin.error.${code}`) ? t(`checkin.error.${code}`) : errorText(error);
}

function showError(error, fromLoad = false) {
  state.error = error;
  errorFromLoad = fromLoad;
  $("message").textContent = error ? refusalText(error) : "";
  $("message").hidden = !error;
}

function prizeName(key) {
  const prize = state.rules?.prizes.find((p) => p.key === key);
  return prize ? localName(prize) : key;
}

/** Whether the pool prize ``key`` gives spins of the campaign's wheel. */
function isSpin(key) {
  const reward = state.rules?.prizes.find((p) => p.key === key)?.reward;
  const spinItem = state.rules?.games.wheel?.spin_item;
  return Boolean(spinItem) && reward?.kind === "item" && reward.item === spinItem;
}

function pointsRange(tier) {
  return tier.points_min === tier.points_max ? tier.points_min : `${tier.points_min}–${tier.points_max}`;
}

function showButton() {
  const view = state.view;
  let mode = "none";
  let label = state.error && !view ? t("checkin.unavailable") : t("checkin.loading");
  if (state.busy === "check_in") [mode, label] = ["busy", t("checkin.button_busy")];
  else if (view?.checked_today) [mode, label] = ["done", t("checkin.button_done")];
  else if (view) [mode, label] = ["ready", t("checkin.button")];
  const button = $("checkin");
  button.textContent = label;
  button.dataset.mode = mode;
  button.disabled = mode !== "ready" || Boolean(state.busy);
  let hint = "";
  if (mode === "ready") hint = t("checkin.button_hint", { points: pointsRange(view.tier) });
  if (mode === "done") hint = t("checkin.done_hint");
  $("checkin-hint").textContent = hint;
}

function showHeader(view) {
  const name = $("campaign-name");
  delete name.dataset.i18n;
  name.textContent = localName(view, "campaign_name");
  $("tier-line").hidden = false;
  $("tier-line").textContent = t("checkin.tier_line", { tier: localName(view.tier), points: pointsRange(view.tier) });
  $("month-title").textContent = monthLabel(view.today);
}

function showMakeUpHint(view) {
  const rules = view.makeup;
  const hint = $("makeup-hint");
  hint.hidden = !rules.monthly_max;
  hint.textContent = rules.left_this_month
    ? t("checkin.makeup_hint", { window: rules.window_days, left: rules.left_this_month })
    : t("checkin.makeup_used_up", { max: rules.monthly_max });
}

/** The play items held (spins won by checking in, make-up cards) and the way to the wheel to use spins. */
function showItems(view) {
  const held = Object.entries(view.items_held ?? {}).filter(([, count]) => count > 0);
  const spinsOffered = view.milestones.some((m) => isSpin(m.prize));
  const spinsHeld = held.some(([item]) => item === state.rules?.games.wheel?.spin_item);
  $("items-card").hidden = !held.length && !spinsOffered;
  $("items").replaceChildren(
    ...held.map(([item, count]) =>
      el(
        "li",
        { "data-testid": "held-item", "data-item": item },
        el("span", {}, itemName(item)),
        el("span", { class: "amount" }, t("checkin.item_count", { n: count })),
      ),
    ),
  );
  $("items-note").hidden = !spinsOffered && !spinsHeld;
  if ($("spin-link")) $("spin-link").hidden = !spinsHeld;
}

function showReminder(view) {
  const toggle = $("remind");
  toggle.setAttribute("aria-checked", String(view.remind));
  toggle.disabled = state.busy === "remind";
  $("remind-state").textContent = t(view.remind ? "checkin.remind_on" : "checkin.remind_off");
}

function render() {
  showButton();
  const view = state.view;
  if (!view) return;
  showHeader(view);
  $("weekdays").replaceChildren(...weekdayCells());
  $("calendar").replaceChildren(...calendarCells(view, { onMakeUp: requestMakeUp, fresh: state.fresh }));
  showMakeUpHint(view);
  $("streak").textContent = view.streak;
  $("total-days").textContent = view.total_days;
  $("points").textContent = view.points;
  showMilestones(view, milestoneParts, prizeName);
  showItems(view);
  showReminder(view);
}

function showRules() {
  const section = state.rules?.game_rules.find((game) => game.game === "checkin");
  $("rules-card").hidden = !section;
  $("rule-lines").replaceChildren(...(section?.lines ?? []).map((line) => el("li", {}, line[currentLang()])));
}

async function load() {
  try {
    state.view = (await api(base)).view;
    if (errorFromLoad) showError(null);
  } catch (error) {
    if (!state.view) $("campaign-name").hidden = true; // no "loading…" forever
    showError(error, true);
  }
  render();
}

/** The campaign's prizes (their names) and the check-in's rules section; the page works without them. */
async function loadRules() {
  try {
    state.rules = await api(`/api/campaigns/${campaignId}/rules`);
  } catch {
    return; // prizes are named by their keys
  }
  showRules();
  render();
}

/** Whether a retry must reuse the key: the action may still be running, or no answer was stored. */
function retriesWithSameKey(error) {
  if (!(error instanceof ApiError)) return true; // a network failure: the server may have checked in
  return error.code === "request_in_progress" || error.status === 429 || error.status >= 500;
}

/** POST ``action`` with ``body`` once (a retry of the same action and body keeps its key); its answer or null. */
async function act(action, body) {
  const sent = JSON.stringify(body);
  if (state.pending?.action !== action || state.pending.sent !== sent) {
    state.pending = { action, sent, key: newIdempotencyKey() };
  }
  state.busy = action;
  showError(null);
  render();
  try {
    const headers = { "Idempotency-Key": state.pending.key };
    const answer = await api(`${base}/${action}`, { method: "POST", body, headers });
    state.pending = null;
    state.view = { ...answer.view, items_held: state.view?.items_held ?? {} }; // the items come with the next load
    return answer;
  } catch (error) {
    if (!retriesWithSameKey(error)) state.pending = null;
    showError(error);
    if (error instanceof ApiError && error.status === 409) load(); // e.g. checked in from another screen
    return null;
  } finally {
    state.busy = null;
    render();
  }
}

async function checkIn() {
  if (state.busy || !state.view || state.view.checked_today) return;
  showReward(await act("check_in", {}));
}

function requestMakeUp(day) {
  if (!state.busy && state.view) askMakeUp(state.view, day);
}

async function makeUpClosed() {
  const dialog = $("makeup");
  if (dialog.returnValue !== "yes" || state.busy) return;
  showReward(await act("make_up", { day: dialog.dataset.day }));
}

/** Reveal what ``answer`` gave, then load the page again (the items its prizes gave), stamping its day once. */
async function showReward(answer) {
  if (!answer || !dayEvent(answer)) return;
  state.answer = answer;
  fillReward(answer, { prizeName, isSpin });
  openReward();
  state.fresh = dayEvent(answer).payload.date;
  await load();
  state.fresh = null;
}

async function toggleReminder() {
  if (state.busy || !state.view) return;
  await act("remind", { on: !state.view.remind });
}

initI18n();
translateLabels();
onLanguageChange(() => {
  translateLabels();
  showRules();
  render();
  if (state.answer && $("reward").open) fillReward(state.answer, { prizeName, isSpin });
  if (state.error) showError(state.error, errorFromLoad);
});
$("checkin").addEventListener("click", checkIn);
$("makeup").addEventListener("close", makeUpClosed);
$("reward").addEventListener("close", () => $("month-title").focus());
$("remind").addEventListener("click", toggleReminder);
render();
load();
loadRules();
