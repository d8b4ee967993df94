// The result dialog: the prize with its art, what it is worth, a coupon's conditions and validity, a
// small celebration for a win, the next step ("再抽一次" / "去使用"), and the fairness proof folded away.

import { api } from "./api.js";
import { el, prefersReducedMotion } from "./dom.js";
import { date, redPacketValue, yuan } from "./format.js";
import { has, localName, t } from "./i18n.js";
import { couponConditions, couponOf } from "./prize-text.js";

const $ = (id) => document.getElementById(id);

function resultDetail(result) {
  const { prize } = result;
  if (prize.kind === "nothing") return t("result.nothing_detail");
  if (prize.kind === "points") return t("result.points", { points: prize.reward.points });
  if (prize.kind === "item") {
    const item = prize.reward.item;
    return t("result.item", { count: prize.reward.count, item: has(`item.${item}`) ? t(`item.${item}`) : item });
  }
  if (typeof result.amount_fen === "number") {
    return t("result.red_packet", { amount: yuan(result.amount_fen), range: redPacketValue(prize.reward) });
  }
  return t("result.value", { value: yuan(prize.display_value_fen) });
}

function showArt(prize) {
  const image = $("result-image");
  image.hidden = !prize.image;
  if (prize.image) image.src = prize.image;
  else image.removeAttribute("src");
  const icon = $("result-icon");
  icon.hidden = Boolean(prize.image);
  icon.className = `result-art kind-icon kind-${prize.kind}`;
}

/** A coupon's conditions and validity: the exact end once the wallet told it, else the number of days. */
function showTerms(result) {
  const coupon = couponOf(result.prize);
  const terms = $("result-terms");
  terms.hidden = !coupon;
  if (!coupon) return terms.replaceChildren();
  const validity = result.couponValidUntil
    ? t("result.valid_until", { date: date(result.couponValidUntil) })
    : t("result.valid_days", { n: coupon.valid_days });
  terms.replaceChildren(
    ...couponConditions(coupon).map((condition) => el("li", {}, condition)),
    el("li", { "data-testid": "result-validity" }, validity),
  );
}

function showFallback(result, prizeName) {
  const reason = result.fallback_reason;
  const why = has(`reason.${reason}`) ? t(`reason.${reason}`) : t("reason.other");
  const line = $("result-fallback");
  line.hidden = !reason;
  line.textContent = reason
    ? t("result.fallback", { picked: prizeName(result.picked), reason: why, prize: localName(result.prize) })
    : "";
}

/** The proof's place in the public log, or that it is being added. */
export function showPlace(proof) {
  const sealed = proof.seq !== null && proof.seq !== undefined;
  $("proof-record").textContent = sealed ? t("proof.record", { seq: proof.seq }) : t("proof.record_pending");
  $("proof-hash").textContent = sealed ? proof.hash : "";
}

function showProof(proof) {
  showPlace(proof);
  $("proof-period").textContent = proof.period;
  $("proof-commitment").textContent = proof.commitment;
  $("proof-client-seed").textContent = proof.client_seed;
  $("proof-nonce").textContent = proof.nonce;
}

/** The buttons: "去使用" (the main one) for a prize, none for nothing; "再抽一次" while spins are left. */
function showActions(won, canSpinAgain) {
  const again = $("result-again");
  again.textContent = t(canSpinAgain ? "result.again" : "result.ok");
  again.value = canSpinAgain ? "again" : "close";
  again.className = won ? "link-button" : "primary-button";
  $("result-use").hidden = !won;
}

/**
 * Fill the dialog with ``result`` (the spin answer). ``prizeName(key)`` names a prize of the wheel;
 * ``canSpinAgain`` says whether "再抽一次" can spin (else it reads "知道了" and only closes).
 */
export function fillResult(result, { prizeName, canSpinAgain }) {
  const { prize } = result;
  const won = prize.kind !== "nothing";
  $("result").classList.toggle("result-nothing", !won);
  $("result-title").textContent = t(won ? "result.won" : "result.nothing");
  showArt(prize);
  $("result-prize").textContent = localName(prize);
  $("result-detail").textContent = resultDetail(result);
  showTerms(result);
  showFallback(result, prizeName);
  showActions(won, canSpinAgain);
  showProof(result.proof);
}

function celebrate(won) {
  const confetti = $("celebration");
  confetti.classList.remove("is-on");
  confetti.hidden = !won || prefersReducedMotion();
  if (confetti.hidden) return;
  void confetti.offsetWidth; // restart the animation for this win
  confetti.classList.add("is-on");
}

/** Open the dialog on ``result`` (filled already) and put the focus on its main button. */
export function openResult(result) {
  const dialog = $("result");
  const won = result.prize.kind !== "nothing";
  dialog.returnValue = "";
  $("result-proof").open = false;
  dialog.showModal();
  celebrate(won);
  (won ? $("result-use") : $("result-again")).focus();
}

/**
 * Show until when the coupon this spin issued is valid: from the spin answer, or else (an older server) the
 * wallet's newest coupon of that title; ``stillShown()`` is false once another result replaced this one. Without an answer the
 * "valid for N days" line stays.
 */
export async function showCouponDeadline(result, stillShown) {
  const coupon = couponOf(result.prize);
  if (!coupon) return;
  if (result.coupon_valid_until) {
    result.couponValidUntil = result.coupon_valid_until; // the spin answer says it: no need to ask the wallet
    showTerms(result);
    return;
  }
  try {
    const wallet = await api("/api/play/wallet");
    const issued = wallet.coupons.filter((c) => c.title === coupon.title && c.state === "issued");
    const newest = issued.reduce((found, c) => (found && found.id > c.id ? found : c), null);
    if (!newest || !stillShown()) return;
    result.couponValidUntil = newest.valid_until;
    showTerms(result);
  } catch {
    // the number of days is still shown
  }
}
