// The sharer's page (分享助力): the share's progress ring, time left, unlock tiers and helpers, the 发起助力 button
// when no share is collecting, and while one is, its poster (QR code and link). Friends' assists arrive live: the
// ring and the list update and a toast names the friend. The server decides every count, unlock and refusal.

import { api, ApiError, errorText } from "../api.js";
import { GameActions } from "../actions.js";
import { el, translateLabels } from "../dom.js";
import { maskedName } from "../format.js";
import { currentLang, initI18n, localName, onLanguageChange, t } from "../i18n.js";
import { connectLive } from "../live.js";
import { Poster } from "./poster.js";
import { Countdown, showRing, tierItems, timeLeft } from "./progress.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const base = `/api/play/${campaignId}`;
const TOAST_MS = 6000;

const state = { view: null, rules: null, busy: false, error: null, fromLoad: false, toast: null };
const actions = new GameActions(base); // POST {base}/share starts a share
const poster = new Poster({ qr: $("qr"), link: $("share-link"), copy: $("copy-link"), note: $("copy-note") });
const countdown = new Countdown($("time-left"), () => render());

function showError(error, fromLoad = false) {
  state.error = error;
  state.fromLoad = fromLoad;
  $("message").textContent = error ? errorText(error) : "";
  $("message").hidden = !error;
}

function prizeName(key) {
  const prize = state.rules?.prizes.find((p) => p.key === key);
  return prize ? localName(prize) : key;
}

/** The share's state as the page shows it: loading, none, collecting, complete (goal reached) or ended (time is up). */
function phase(view) {
  if (!view) return "loading";
  const share = view.share;
  if (!share) return "none";
  if (share.valid >= view.goal) return "complete";
  return timeLeft(share.expires_at) === null ? "ended" : "collecting";
}

/** The page a friend opens: the API's link (``/play/ID/share/CODE``) as an absolute URL. */
function shareUrl(share) {
  return new URL(`/play/${campaignId}/share/${encodeURIComponent(share.code)}`, window.location.origin).href;
}

function showButton(now) {
  const view = state.view;
  let [mode, label] = ["none", t(state.error && !view ? "share.unavailable" : "share.loading")];
  if (state.busy) [mode, label] = ["busy", t("share.starting")];
  else if (now === "none") [mode, label] = ["ready", t("share.start")];
  else if (now === "complete" || now === "ended") [mode, label] = ["ready", t("share.start_new")];
  else if (now === "collecting") mode = "collecting";
  const button = $("start");
  button.hidden = mode === "collecting";
  button.textContent = label;
  button.dataset.mode = mode;
  button.disabled = mode !== "ready";
  $("start-hint").textContent = mode === "ready" ? t("share.start_hint", { hours: view.hours }) : "";
}

function showPoster(view, now) {
  const collecting = now === "collecting";
  $("poster").hidden = !collecting;
  if (!collecting) return;
  const next = view.thresholds.find((tier) => !view.share.unlocked.includes(tier.assists));
  $("poster-goal").textContent = next
    ? t("share.poster_goal", { n: Math.max(next.assists - view.share.valid, 0), prize: prizeName(next.prize) })
    : "";
  poster.show(shareUrl(view.share));
}

/** "11/23 12:00" in the campaign's time zone (the browser's until the rules said it). */
function when(iso) {
  const options = { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  const locale = currentLang() === "en" ? "en-GB" : "zh-CN";
  try {
    return new Date(iso).toLocaleString(locale, { ...options, timeZone: state.rules?.timezone });
  } catch {
    return new Date(iso).toLocaleString(locale, options); // a time zone this browser does not know
  }
}

function helperItem(helper, index) {
  const at = when(helper.at);
  return el(
    "li",
    { "data-testid": "helper", "data-status": helper.status },
    el("span", {}, helper.name || t("share.helper_name", { n: index + 1 }), el("span", { class: "when" }, at)),
    el("span", { class: `helper-status is-${helper.status}` }, t(`share.status.${helper.status}`)),
  );
}

function showHelpers(share) {
  const helpers = share?.helpers ?? [];
  $("helpers").replaceChildren(...helpers.map(helperItem));
  $("helpers-empty").hidden = helpers.length > 0;
}

function showUnlocked(share) {
  const unlocked = share?.unlocked ?? [];
  const tiers = state.view.thresholds.filter((tier) => unlocked.includes(tier.assists));
  const names = tiers.map((tier) => prizeName(tier.prize)).join(t("share.list_separator"));
  $("unlocked-banner").hidden = !names;
  $("unlocked-text").textContent = names ? t("share.unlocked_banner", { prizes: names }) : "";
}

function showState(view, now) {
  const share = view.share;
  showRing(share?.valid ?? 0, view.goal);
  $("held-note").hidden = !share?.held;
  $("held-note").textContent = share?.held ? t("share.held_note", { n: share.held }) : "";
  countdown.set(now === "collecting" ? share.expires_at : null);
  const said = { complete: "share.complete", ended: "share.ended" }[now];
  $("share-state").hidden = !said;
  $("share-state").textContent = said ? t(said) : "";
  $("share-state").dataset.phase = now;
}

function render() {
  const view = state.view;
  const now = phase(view);
  showButton(now);
  if (!view) return;
  const name = $("campaign-name");
  delete name.dataset.i18n;
  name.textContent = localName(view, "campaign_name");
  $("goal-line").hidden = false;
  $("goal-line").textContent = t("share.goal_line", { goal: view.goal });
  showState(view, now);
  showPoster(view, now);
  const tiers = view.thresholds.map((tier) => ({ assists: tier.assists, name: prizeName(tier.prize) }));
  const share = view.share;
  const progress = { unlocked: share?.unlocked ?? [], valid: share?.valid ?? 0, collecting: now === "collecting" };
  $("tiers").replaceChildren(...tierItems(tiers, progress));
  showHelpers(view.share);
  showUnlocked(view.share);
}

function showRules() {
  const section = state.rules?.game_rules.find((game) => game.game === "share");
  $("rules-card").hidden = !section;
  $("rule-lines").replaceChildren(...(section?.lines ?? []).map((line) => el("li", {}, line[currentLang()])));
}

async function load() {
  try {
    state.view = (await api(`${base}/games/share`)).view;
    if (state.fromLoad) showError(null);
  } catch (error) {
    if (!state.view) $("campaign-name").hidden = true; // no "loading…" forever
    showError(error, true);
  }
  render();
}

/** The campaign's prizes (their names) and the share's rules; the page works without them. */
async function loadRules() {
  try {
    state.rules = await api(`/api/campaigns/${campaignId}/rules`);
  } catch {
    return; // prizes are named by their keys
  }
  showRules();
  render();
}

async function start() {
  if (state.busy || !state.view) return;
  state.busy = true;
  showError(null);
  render();
  try {
    const answer = await actions.send("share");
    state.view = { ...state.view, ...answer.view };
  } catch (error) {
    showError(error);
    if (error instanceof ApiError && error.status === 409) load(); // e.g. a share started on another screen
  } finally {
    state.busy = false;
    render();
  }
}

function showToast(text) {
  clearTimeout(state.toast);
  $("toast").textContent = text;
  $("toast").hidden = false;
  state.toast = setTimeout(() => {
    $("toast").hidden = true;
  }, TOAST_MS);
}

/** A friend helped (``{helper, status, valid, goal, share}``): the ring at once, then the view with its unlocks. */
async function assisted(data) {
  const before = state.view?.share?.unlocked ?? [];
  if (state.view?.share && data.share === state.view.share.number) {
    state.view = { ...state.view, share: { ...state.view.share, valid: data.valid } };
    render();
  }
  const who = maskedName(data.helper);
  await load();
  const fresh = (state.view?.share?.unlocked ?? []).filter((assists) => !before.includes(assists));
  const lines = [t(data.status === "held" ? "share.toast_held" : "share.toast", { who })];
  for (const assists of fresh) {
    const tier = state.view.thresholds.find((threshold) => threshold.assists === assists);
    if (tier) lines.push(t("share.toast_unlocked", { prize: prizeName(tier.prize) }));
  }
  showToast(lines.join(" "));
}

function goLive() {
  const handlers = { "share.assisted": assisted, campaign: () => load() };
  connectLive(campaignId, handlers, (answer) => {
    $("progress-card").dataset.live = answer?.ok ? "on" : "off";
  });
}

initI18n();
translateLabels();
onLanguageChange(() => {
  translateLabels();
  showRules();
  render();
  poster.render();
  if (state.error) showError(state.error, state.fromLoad);
});
$("start").addEventListener("click", start);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && !state.busy) load(); // back from sending the link to friends
});
render();
goLive();
load();
loadRules();
