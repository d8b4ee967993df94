// The helper's result: whether the assist counted or waits for review, the prize the helper drew (with a prize
// changed by the rules), and the draw's fairness proof, its place in the public log followed until it is sealed.

import { api } from "../api.js";
import { prefersReducedMotion } from "../dom.js";
import { has, localName, t } from "../i18n.js";
import { showPlace } from "../result-dialog.js";

const $ = (id) => document.getElementById(id);
const SEAL_CHECKS_MS = [1500, 2500, 5000]; // the server seals new records about every second

/** The assist's own event in an answer. */
export function assistedEvent(answer) {
  return answer.events.find((event) => event.name === "share.assisted");
}

function showDraw(payload, prize) {
  const drew = payload.helper_prize !== null && payload.helper_prize !== undefined;
  const won = drew && prize?.kind !== "nothing";
  $("result-draw").hidden = !drew;
  $("result-caption").textContent = won ? t("share.result_prize") : t("share.result_nothing");
  $("result-prize").hidden = !won;
  $("result-prize").textContent = won ? localName(prize) : "";
  return won;
}

function showFallback(answer, prizeName) {
  const grant = answer.grants.find((g) => g.fallback_reason);
  $("result-fallback").hidden = !grant;
  if (!grant) return;
  const why = has(`reason.${grant.fallback_reason}`) ? t(`reason.${grant.fallback_reason}`) : t("reason.other");
  const names = { picked: prizeName(grant.picked), reason: why, prize: prizeName(grant.granted) };
  $("result-fallback").textContent = t("result.fallback", names);
}

function showProof(proof) {
  $("result-proof").hidden = !proof;
  $("result-proof").open = false;
  if (!proof) return;
  showPlace(proof);
  $("proof-period").textContent = proof.period;
  $("proof-commitment").textContent = proof.commitment;
  $("proof-client-seed").textContent = proof.client_seed;
  $("proof-nonce").textContent = proof.nonce;
}

/**
 * Fill the dialog from an assist's ``answer``. ``sharer`` is the sharer's masked name, ``prize(key)`` a prize's
 * description (or null) and ``prizeName(key)`` its name. :returns: whether the helper won a prize.
 */
export function fillHelpResult(answer, { sharer, prize, prizeName }) {
  const payload = assistedEvent(answer).payload;
  const held = payload.status === "held";
  $("result").dataset.status = payload.status;
  $("result-title").textContent = t(held ? "share.result_held" : "share.result_accepted");
  $("result-detail").textContent = held
    ? t("share.result_held_detail", { who: sharer })
    : t("share.result_counted", { who: sharer, valid: payload.valid, goal: payload.goal });
  const won = showDraw(payload, prize(payload.helper_prize));
  showFallback(answer, prizeName);
  showProof(answer.proof);
  return won;
}

/** Open the filled dialog (confetti for a prize unless motion is reduced) with the focus on its own-share link. */
export function openHelpResult(won) {
  const confetti = $("celebration");
  confetti.classList.remove("is-on");
  confetti.hidden = !won || prefersReducedMotion();
  $("result").showModal();
  if (!confetti.hidden) {
    void confetti.offsetWidth; // restart the animation
    confetti.classList.add("is-on");
  }
  $("result-own").focus();
}

/** Ask for the draw's place in the log until it is sealed (``stillShown()``: the dialog shows this proof). */
export async function followSealing(campaignId, proof, stillShown) {
  for (const wait of SEAL_CHECKS_MS) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (!stillShown()) return;
    try {
      const place = await api(`/api/play/${campaignId}/records/${encodeURIComponent(proof.period)}/${proof.nonce}`);
      if (place.sealed) {
        Object.assign(proof, { seq: place.seq, hash: place.hash });
        showPlace(proof);
        return;
      }
    } catch {
      return; // the proof stays "pending": the export names the record by period, client seed and nonce
    }
  }
}
