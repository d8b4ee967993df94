// The wheel page: load the state, spin on click (the server decides), animate to the server's
// slot, show the result with its proof. No outcome is computed here.

import { api, ApiError, errorText, newIdempotencyKey } from "./api.js";
import { redPacketValue, yuan } from "./format.js";
import { has, initI18n, localName, onLanguageChange, t } from "./i18n.js";
import { connectLive } from "./live.js";
import { WheelCanvas } from "./wheel-canvas.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const base = `/api/play/${campaignId}`;
const wheel = new WheelCanvas($("wheel"));
const state = { view: null, spinning: false, pendingKey: null, result: null, error: null, ticker: null };

function showError(error) {
  state.error = error;
  $("message").textContent = error ? errorText(error) : "";
  $("message").hidden = !error;
}

function render(view) {
  state.view = view;
  const name = $("campaign-name");
  delete name.dataset.i18n;
  name.textContent = localName(view, "campaign_name");
  $("free-left").textContent = view.free_spins_left;
  $("extra-left").textContent = view.extra_spin_points ? view.extra_spins_left : "–";
  $("points").textContent = view.points;
  $("extra-hint").textContent = view.extra_spin_points
    ? t("wheel.extra_cost", { cost: view.extra_spin_points, points: view.points })
    : t("wheel.no_extra");
  $("fair-period").textContent = view.period;
  $("fair-commitment").textContent = view.commitment;
  if (document.activeElement !== $("client-seed")) $("client-seed").value = view.client_seed;
  showSlots(view);
  $("spin").disabled = state.spinning;
}

function showSlots(view) {
  wheel.setSlots(view.slots.map((slot) => ({ label: localName(slot), kind: slot.kind })));
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

async function spin() {
  if (state.spinning || !state.view) return;
  state.spinning = true;
  $("spin").disabled = true;
  showError(null);
  state.pendingKey ??= newIdempotencyKey(); // kept after a network error so a retry cannot spin twice
  try {
    const result = await api(`${base}/wheel/spin`, {
      method: "POST",
      headers: { "Idempotency-Key": state.pendingKey },
    });
    state.pendingKey = null;
    showSlots(result.wheel); // the slots the answer's slot index refers to
    await wheel.spinTo(result.slot);
    state.result = result;
    render(result.wheel);
    showResult(result);
    if (result.proof.seq === null) followSealing(result.proof);
  } catch (error) {
    if (error instanceof ApiError && !retriesWithSameKey(error)) state.pendingKey = null;
    showError(error);
  } finally {
    state.spinning = false;
    $("spin").disabled = false;
  }
}

function prizeName(key) {
  const slot = state.view.slots.find((s) => s.key === key);
  return slot ? localName(slot) : key;
}

function resultDetail(result) {
  const { prize } = result;
  if (prize.kind === "nothing") return "";
  if (prize.kind === "points") return t("result.points", { points: prize.reward.points });
  if (typeof result.amount_fen === "number") {
    return t("result.red_packet", { amount: yuan(result.amount_fen), range: redPacketValue(prize.reward) });
  }
  return t("result.value", { value: yuan(prize.display_value_fen) });
}

function showImage(prize) {
  const image = $("result-image");
  image.hidden = !prize.image;
  if (prize.image) image.src = prize.image;
  else image.removeAttribute("src");
}

function fillResult(result) {
  const { prize, proof } = result;
  const nothing = prize.kind === "nothing";
  $("result").classList.toggle("result-nothing", nothing);
  $("result-title").textContent = t(nothing ? "result.nothing" : "result.won");
  showImage(prize);
  $("result-prize").textContent = localName(prize);
  $("result-detail").textContent = resultDetail(result);
  const reason = result.fallback_reason;
  const why = has(`reason.${reason}`) ? t(`reason.${reason}`) : t("reason.other");
  $("result-fallback").hidden = !reason;
  $("result-fallback").textContent = reason
    ? t("result.fallback", { picked: prizeName(result.picked), reason: why })
    : "";
  showPlace(proof);
  $("proof-period").textContent = proof.period;
  $("proof-commitment").textContent = proof.commitment;
  $("proof-client-seed").textContent = proof.client_seed;
  $("proof-nonce").textContent = proof.nonce;
}

function showPlace(proof) {
  const sealed = proof.seq !== null && proof.seq !== undefined;
  $("proof-record").textContent = sealed ? t("proof.record", { seq: proof.seq }) : t("proof.record_pending");
  $("proof-hash").textContent = sealed ? proof.hash : "";
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

function showResult(result) {
  fillResult(result);
  $("result").showModal();
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

function showTicker(ticker) {
  state.ticker = ticker;
  if (!state.view || !ticker) return;
  $("ticker").textContent = t("ticker.won", { who: ticker.who, prize: prizeName(ticker.prize) });
  $("ticker").hidden = false;
}

initI18n();
onLanguageChange(() => {
  if (state.view) render(state.view);
  if (state.result) fillResult(state.result);
  if (state.error) showError(state.error);
  showTicker(state.ticker);
  $("seed-message").textContent = "";
});
$("spin").addEventListener("click", spin);
$("seed-form").addEventListener("submit", saveSeed);
/** Ops paused or resumed the campaign: show its new state without a reload. */
function lifecycleChanged() {
  if (state.spinning) return;
  showError(null);
  load();
}

connectLive(campaignId, { ticker: showTicker, reward: () => state.spinning || load(), campaign: lifecycleChanged });
load();
