// Redeeming a good in the steps after choosing it: confirm (the good, quantity, total points, the cash part, where
// the points come from), then the result (the order the server placed, or its refusal in plain words). The request
// is sent once with an Idempotency-Key; retrying the same confirmation keeps the key, so it never redeems twice.

import { GameActions } from "../actions.js";
import { prefersReducedMotion } from "../dom.js";
import { yuanShort } from "../format.js";
import { localName, t } from "../i18n.js";
import { goodArt, mallPath, refusalText } from "./goods.js";

const $ = (id) => document.getElementById(id);

export class Redemption {
  /** @param {() => void} onAnswered called once the server answered (the page loads the mall again) */
  constructor(onAnswered) {
    this.actions = new GameActions(mallPath); // POST {mallPath}/{good}/redeem
    this.onAnswered = onAnswered;
    this.asked = null; // {good, quantity} being confirmed
    this.sending = false;
    this.answer = null; // {good, quantity, order} or {good, quantity, error}: the result shown
    $("confirm-yes").addEventListener("click", () => this.send());
    $("confirm").addEventListener("cancel", (event) => this.sending && event.preventDefault());
  }

  /** Step 2: ask the shopper to confirm ``quantity`` of ``good`` (the server's unit price times the quantity). */
  ask(good, quantity) {
    this.asked = { good, quantity };
    this.showConfirm();
    $("confirm").showModal();
    $("confirm-yes").focus();
  }

  showConfirm() {
    if (!this.asked) return;
    const { good, quantity } = this.asked;
    $("confirm-art").replaceChildren(goodArt(good, "confirm-image"));
    $("confirm-good").textContent = t("mall.confirm_good", { name: localName(good), n: quantity });
    $("confirm-points").textContent = t("mall.confirm_points", { points: good.points * quantity });
    $("confirm-cash").hidden = !good.cash_fen;
    $("confirm-cash").textContent = good.cash_fen
      ? t("mall.confirm_cash", { amount: yuanShort(good.cash_fen * quantity) })
      : "";
    $("confirm-yes").textContent = t(this.sending ? "mall.redeeming" : "mall.confirm_yes");
    $("confirm-yes").disabled = this.sending;
    $("confirm-no").disabled = this.sending;
  }

  /** Step 3: send the confirmed redemption and show what the server answered. */
  async send() {
    if (this.sending || !this.asked) return;
    const { good, quantity } = this.asked;
    this.sending = true;
    this.showConfirm();
    try {
      const order = await this.actions.send(`${good.id}/redeem`, { quantity });
      this.answer = { good, quantity, order };
    } catch (error) {
      this.answer = { good, quantity, error };
    }
    this.sending = false;
    this.showConfirm();
    $("confirm").close("sent");
    this.showResult();
    this.openResult();
    this.onAnswered();
  }

  /** Fill the result dialog with the answer (again after a language switch). */
  showResult() {
    const answer = this.answer;
    if (!answer) return;
    const done = Boolean(answer.order);
    $("result").classList.toggle("result-nothing", !done);
    $("result").dataset.outcome = done ? "redeemed" : "refused";
    $("result-title").textContent = t(done ? "mall.result_done" : "mall.result_refused");
    $("result-art").replaceChildren(goodArt(answer.good, "result-art"));
    $("result-good").textContent = t("mall.confirm_good", { name: localName(answer.good), n: answer.quantity });
    $("result-text").textContent = done
      ? t("mall.result_order", { id: answer.order.id, points: answer.order.points })
      : refusalText(answer.error);
    const cash = done ? answer.order.cash_fen : 0;
    $("result-cash").hidden = !cash;
    $("result-cash").textContent = cash ? t("mall.confirm_cash", { amount: yuanShort(cash) }) : "";
    $("result-next").hidden = !done;
    $("result-next").textContent = done ? t(`mall.result_next.${answer.order.delivered_by}`) : "";
    $("result-orders").hidden = !done;
    $("result-ok").textContent = t(done ? "mall.result_close" : "mall.result_ok");
    $("result-ok").className = done ? "link-button" : "primary-button";
  }

  openResult() {
    const done = Boolean(this.answer.order);
    $("result").showModal();
    const confetti = $("celebration");
    confetti.classList.remove("is-on");
    confetti.hidden = !done || prefersReducedMotion();
    if (!confetti.hidden) {
      void confetti.offsetWidth; // restart the animation for this redemption
      confetti.classList.add("is-on");
    }
    (done ? $("result-orders") : $("result-ok")).focus();
  }

  /** Texts again in the current language. */
  render() {
    this.showConfirm();
    this.showResult();
  }
}
