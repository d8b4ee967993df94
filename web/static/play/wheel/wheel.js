// The wheel page: load the state, spin on a tap (the server decides; the wheel turns while it does and
// settles on the server's slot), show the result. No outcome is computed here.

import { api, ApiError, errorText, newIdempotencyKey } from "../api.js";
import { el, translateLabels } from "../dom.js";
import { initI18n, localName, onLanguageChange, t } from "../i18n.js";
import { connectLive } from "../live.js";
import { showPrizes } from "../prize-list.js";
import { fillResult, openResult, showCouponDeadline, showPlace } from "../result-dialog.js";
import { WinnersMarquee } from "../winners.js";
import { acceptPointsSpin, canSpin, pointsSpinAccepted, spinHint, spinLabel, spinMode } from "./spin-button.js";
import { WheelCanvas } from "./wheel-canvas.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const base = `/api/play/${campaignId}`;
const wheel = new WheelCanvas($("wheel"));
const marquee = new WinnersMarquee($("marquee-track"), prizeNameOrNull);
const state = { view: null, spinning: false, pendingKey: null, result: null, error: null, heldWins: [] };

function showError(error) {
  state.error = error;
  $("message").textContent = error ? errorText(error) : "";
  $("message").hidden = !error;
  showButton();
}

/** The main button and its hint, from the view (or "loading", "unavailable", "spinning"). */
function showButton() {
  const button = $("spin");
  const mode = state.view ? spinMode(state.view) : null;
  let label = state.error ? t("cta.unavailable") : t("wheel.loading");
  if (state.spinning) label = t("cta.spinning");
  else if (mode) label = spinLabel(state.view, mode);
  button.textContent = label;
  button.disabled = state.spinning || !canSpin(mode);
  button.dataset.mode = state.spinning ? "spinning" : (mode ?? "none");
  $("wheel-hub").classList.toggle("is-off", button.disabled);
  $("spin-hint").replaceChildren(...(mode ? [spinHint(state.view, mode)] : []));
  if (mode === "short" && state.view.earn_points_url) {
    $("spin-hint").append(" ", el("a", { href: state.view.earn_points_url, "data-testid": "earn-points" }, t("cta.earn_link")));
  }
  $("spin-hint").dataset.mode = mode ?? "none";
}

function render(view) {
  state.view = view;
  const name = $("campaign-name");
  delete name.dataset.i18n;
  name.textContent = localName(view, "campaign_name");
  $("free-left").textContent = view.free_spins_left;
  $("extra-left").textContent = view.extra_spin_points ? view.extra_spins_left : "–";
  $("points").textContent = view.points;
  $("fair-period").textContent = view.period;
  $("fair-commitment").textContent = view.commitment;
  if (document.activeElement !== $("client-seed")) $("client-seed").value = view.client_seed;
  showSlots(view);
  showPrizes(view.slots, { strip: $("prize-strip"), list: $("slot-list") });
  marquee.render();
  showButton();
}

function showSlots(view) {
  wheel.setSlots(view.slots.map((slot) => ({ label: localName(slot), kind: slot.kind, image: slot.image })));
}

async function load() {
  try {
    render(await api(`${base}/wheel`));
  } catch (error) {
    if (!state.view) $("campaign-name").hidden = true; // no "loading…" forever
    showError(error);
  }
}

/** Whether a retry must reuse the key: the spin may still be running, or the server did not store an answer. */
function retriesWithSameKey(error) {
  return error.code === "request_in_progress" || error.status === 429 || error.status >= 500;
}

/** The main button (or the hub) was tapped: spin, after asking once before the first points spend. */
function requestSpin() {
  if (state.spinning || !state.view) return;
  const mode = spinMode(state.view);
  if (!canSpin(mode)) return;
  if (mode === "points" && !pointsSpinAccepted(campaignId, state.view.extra_spin_points)) askPointsConsent();
  else spin();
}

function askPointsConsent() {
  const { extra_spin_points: cost, points } = state.view;
  $("confirm-text").textContent = t("confirm.text", { cost, points });
  $("confirm-yes").textContent = t("confirm.yes", { cost });
  $("confirm").returnValue = "";
  $("confirm").showModal();
}

function pointsConsentClosed() {
  if ($("confirm").returnValue !== "yes" || !state.view) return;
  acceptPointsSpin(campaignId, state.view.extra_spin_points);
  spin();
}

async function spin() {
  if (state.spinning || !state.view) return;
  state.spinning = true;
  showError(null);
  wheel.startSpinning(); // at once: the answer may take a while on a slow network
  state.pendingKey ??= newIdempotencyKey(); // kept after a network error so a retry cannot spin twice
  try {
    const result = await api(`${base}/wheel/spin`, {
      method: "POST",
      headers: { "Idempotency-Key": state.pendingKey },
    });
    state.pendingKey = null;
    showSlots(result.wheel); // the slots the answer's slot index refers to
    await wheel.settleOn(result.slot);
    state.spinning = false;
    render(result.wheel);
    showResult(result);
  } catch (error) {
    wheel.stop();
    if (error instanceof ApiError && !retriesWithSameKey(error)) state.pendingKey = null;
    state.spinning = false;
    showError(error);
    if (error instanceof ApiError && error.status === 409) load(); // what is left now, e.g. "明天再来"
  } finally {
    showHeldWins();
  }
}

function prizeNameOrNull(key) {
  const slot = state.view?.slots.find((s) => s.key === key);
  return slot ? localName(slot) : null;
}

function prizeName(key) {
  return prizeNameOrNull(key) ?? key;
}

function fillShownResult() {
  const canSpinAgain = canSpin(spinMode(state.view));
  fillResult(state.result, { prizeName, canSpinAgain });
}

function showResult(result) {
  state.result = result;
  fillShownResult();
  openResult(result);
  if (result.proof.seq === null) followSealing(result.proof);
  showCouponDeadline(result, () => state.result === result);
}

function resultClosed() {
  if ($("result").returnValue === "again") requestSpin();
}

const SEAL_CHECKS_MS = [1500, 2500, 5000]; // the server seals new records about every second

/** Ask for the draw's place in the log until it is sealed, then show it (unless another spin came since). */
async function followSealing(proof) {
  for (const wait of SEAL_CHECKS_MS) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (state.result?.proof !== proof) return;
    try {
      const place = await api(`${base}/records/${encodeURIComponent(proof.period)}/${proof.nonce}`);
      if (place.sealed) {
        Object.assign(proof, { seq: place.seq, hash: place.hash });
        showPlace(proof);
        return;
      }
    } catch {
      return; // the proof stays "pending"; the export names the record by period, client seed and nonce
    }
  }
}

async function saveSeed(event) {
  event.preventDefault();
  const seed = $("client-seed").value.trim();
  try {
    const saved = await api(`${base}/client-seed`, { method: "PUT", body: { client_seed: seed } });
    state.view.client_seed = saved.client_seed;
    $("seed-message").textContent = t("fair.saved");
  } catch (error) {
    $("seed-message").textContent = errorText(error);
  }
}

/** A win in the campaign: into the marquee, but only after the wheel stopped (it may be this spin's). */
function showWin(ticker) {
  if (state.spinning) state.heldWins.push(ticker);
  else marquee.add(ticker);
}

function showHeldWins() {
  for (const ticker of state.heldWins.splice(0)) marquee.add(ticker);
}

/** Ops paused or resumed the campaign: show its new state without a reload. */
function lifecycleChanged() {
  if (state.spinning) return;
  showError(null);
  load();
}

/** Live events; the marquee's data-live says when the campaign's wins are coming in. */
function goLive() {
  const handlers = { ticker: showWin, reward: () => state.spinning || load(), campaign: lifecycleChanged };
  connectLive(campaignId, handlers, (answer) => {
    $("marquee").dataset.live = answer?.ok ? "on" : "off";
  });
}

/** The campaign's latest announced wins, so the marquee is not empty on opening. */
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
  if (state.view) render(state.view);
  else showButton();
  if (state.result) fillShownResult();
  if (state.error) showError(state.error);
  marquee.render();
  $("seed-message").textContent = "";
});
$("spin").addEventListener("click", requestSpin);
$("wheel-hub").addEventListener("click", requestSpin);
$("confirm").addEventListener("close", pointsConsentClosed);
$("result").addEventListener("close", resultClosed);
$("seed-form").addEventListener("submit", saveSeed);
marquee.render();
showButton();
goLive();
load();
recentWins();
