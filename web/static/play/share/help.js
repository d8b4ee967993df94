// A friend's share link (好友助力): whose share, its progress and what it unlocks, what helping gives (one assist)
// and may win (the helper prizes with their odds), and the big 助力 button; when the server says this shopper may
// not help (``refusal``), the button is off and the reason is said in plain words. The result comes from the server.

import { api, errorText } from "../api.js";
import { GameActions } from "../actions.js";
import { el, translateLabels } from "../dom.js";
import { percent } from "../format.js";
import { has, initI18n, localName, onLanguageChange, t } from "../i18n.js";
import { fillHelpResult, followSealing, openHelpResult } from "./help-result.js";
import { Countdown, showRing, tierItems, timeLeft } from "./progress.js";

const $ = (id) => document.getElementById(id);
const main = document.querySelector("[data-campaign-id]");
const campaignId = Number(main.dataset.campaignId);
const landingPath = `/api/play/${campaignId}/share/${encodeURIComponent(main.dataset.shareCode)}`;

const state = { landing: null, rules: null, busy: false, error: null, answer: null };
const actions = new GameActions(landingPath); // POST {landingPath}/assist
const countdown = new Countdown($("time-left"), () => render());

function showError(error) {
  state.error = error;
  $("message").textContent = error ? errorText(error) : "";
  $("message").hidden = !error;
}

/** A prize's description: the landing's (thresholds, helper prizes), else the rules' (one given instead). */
function prize(key) {
  const landing = state.landing;
  const known = [...(landing?.helper_prizes ?? []), ...(landing?.thresholds ?? [])].map((item) => item.prize);
  return known.find((p) => p.key === key) ?? state.rules?.prizes.find((p) => p.key === key) ?? null;
}

function prizeName(key) {
  const found = prize(key);
  return found ? localName(found) : key;
}

function refusalText(code) {
  return has(`error.${code}`) ? t(`error.${code}`) : t("share.refused_other");
}

function showButton() {
  const landing = state.landing;
  const refusal = landing?.refusal;
  let [mode, label] = ["none", t(state.error && !landing ? "share.refused_button" : "share.loading")];
  if (state.busy) [mode, label] = ["busy", t("share.assisting")];
  else if (refusal === "already_assisted") [mode, label] = ["done", t("share.assisted_button")];
  else if (refusal) [mode, label] = ["refused", t("share.refused_button")];
  else if (landing) [mode, label] = ["ready", t("share.assist")];
  const button = $("assist");
  button.textContent = label;
  button.dataset.mode = mode;
  button.disabled = mode !== "ready";
  $("refusal").hidden = !refusal || state.busy;
  $("refusal").textContent = refusal ? refusalText(refusal) : "";
  $("refusal").dataset.code = refusal ?? "";
}

function helperPrizeItems(helperPrizes) {
  const total = helperPrizes.reduce((sum, item) => sum + item.weight, 0);
  return helperPrizes.map((item) =>
    el(
      "li",
      { "data-testid": "helper-prize", "data-key": item.prize.key },
      el("span", {}, localName(item.prize)),
      el("span", { class: "amount" }, t("share.odds", { percent: percent(item.weight, total) })),
    ),
  );
}

function showShare(landing) {
  const share = landing.share;
  showRing(share?.valid ?? 0, landing.goal);
  const open = Boolean(share) && share.valid < landing.goal && timeLeft(share.expires_at) !== null;
  countdown.set(open ? share.expires_at : null);
  let said = null;
  if (share) said = share.valid >= landing.goal ? "share.complete" : open ? null : "share.ended";
  $("share-state").hidden = !said;
  $("share-state").textContent = said ? t(said) : "";
}

function render() {
  showButton();
  const landing = state.landing;
  const invite = $("invite");
  delete invite.dataset.i18n;
  invite.textContent = landing ? t("share.invite", { who: landing.sharer }) : t("share.invite_unknown");
  if (state.rules) $("campaign-name").textContent = localName(state.rules);
  if (!landing) return;
  showShare(landing);
  const tiers = landing.thresholds.map((tier) => ({ assists: tier.assists, name: localName(tier.prize) }));
  $("tiers").replaceChildren(...tierItems(tiers));
  $("give").textContent = t("share.give", { goal: landing.goal });
  $("helper-prizes").replaceChildren(...helperPrizeItems(landing.helper_prizes));
  $("get-none").hidden = landing.helper_prizes.length > 0;
}

async function load() {
  try {
    state.landing = await api(landingPath);
  } catch (error) {
    showError(error);
  }
  render();
}

/** The campaign's name and prizes (a prize the rules gave instead of the one drawn); the page works without them. */
async function loadRules() {
  try {
    state.rules = await api(`/api/campaigns/${campaignId}/rules`);
  } catch {
    return;
  }
  render();
}

function fillShownResult() {
  return fillHelpResult(state.answer, { sharer: state.landing.sharer, prize, prizeName });
}

async function assist() {
  if (state.busy || !state.landing || state.landing.refusal) return;
  state.busy = true;
  showError(null);
  render();
  try {
    const answer = await actions.send("assist");
    state.answer = answer;
    openHelpResult(fillShownResult());
    if (answer.proof?.seq === null) followSealing(campaignId, answer.proof, () => state.answer === answer);
  } catch (error) {
    showError(error);
  } finally {
    state.busy = false;
    await load(); // the progress, and why this shopper may not help again
  }
}

initI18n();
translateLabels();
onLanguageChange(() => {
  translateLabels();
  render();
  if (state.answer && $("result").open) fillShownResult();
  if (state.error) showError(state.error);
});
$("assist").addEventListener("click", assist);
render();
load();
loadRules();
