// The board's props as the game view names them: the remote-control die (遥控骰子: the shopper picks the steps, 1
// to 6 per die, in a picker) and the double card (双倍卡: a switch to use one on the next roll). Each shows how
// many are held, and says why it cannot be used when none is.

import { el } from "../dom.js";
import { t } from "../i18n.js";

const $ = (id) => document.getElementById(id);

function held(view, item) {
  return item ? (view.items_held?.[item] ?? 0) : 0;
}

export class Props {
  /**
   * @param {object} handlers ``onRemote(steps)``: roll with a remote-control die choosing ``steps``; ``onChange()``:
   *   the double card was switched
   */
  constructor({ onRemote, onChange }) {
    this.onRemote = onRemote;
    this.onChange = onChange;
    this.doubleOn = false;
    this.view = null;
    $("double").addEventListener("click", () => this.toggleDouble());
    $("remote-use").addEventListener("click", () => this.openPicker());
    $("remote-picker").addEventListener("close", () => this.picked());
  }

  /** Whether the next roll uses a double card (switched on, and one is held). */
  get double() {
    return this.doubleOn && held(this.view, this.view?.double_item) > 0;
  }

  /** The next roll used what was asked: the switch goes off. */
  reset() {
    this.doubleOn = false;
  }

  /** Show the props of ``view``; ``busy`` while a roll is on its way. */
  render(view, busy) {
    this.view = view;
    const shown = Boolean(view.remote_item || view.double_item);
    $("props-card").hidden = !shown && !view.double_pending;
    $("double-pending").hidden = !view.double_pending;
    this.showRemote(view, busy);
    this.showDouble(view, busy);
  }

  showRemote(view, busy) {
    const count = held(view, view.remote_item);
    const dice = held(view, view.dice_item);
    $("remote-row").hidden = !view.remote_item;
    $("remote-count").textContent = t("monopoly.count", { n: count });
    $("remote-use").disabled = busy || count === 0 || dice === 0;
    let note = t("monopoly.remote_hint", { max: 6 * view.dice });
    if (count === 0) note = t("monopoly.remote_none");
    else if (dice === 0) note = t("monopoly.prop_needs_dice");
    $("remote-note").textContent = note;
  }

  showDouble(view, busy) {
    const count = held(view, view.double_item);
    $("double-row").hidden = !view.double_item;
    $("double-count").textContent = t("monopoly.count", { n: count });
    $("double").disabled = busy || count === 0;
    $("double").setAttribute("aria-checked", String(this.double));
    let note = t(this.double ? "monopoly.double_on" : "monopoly.double_off");
    if (count === 0) note = t("monopoly.double_none");
    $("double-note").textContent = note;
  }

  toggleDouble() {
    this.doubleOn = !this.double;
    if (this.view) this.render(this.view, false);
    this.onChange();
  }

  /** The picker: one button per number of steps a remote-control die may choose (1 to 6 per die). */
  openPicker() {
    const view = this.view;
    if (!view) return;
    const choices = Array.from({ length: 6 * view.dice }, (_, index) => index + 1);
    $("remote-choices").replaceChildren(
      ...choices.map((n) =>
        el("button", { class: "remote-choice", value: n, "data-testid": "remote-choice", "data-steps": n }, n),
      ),
    );
    $("remote-text").textContent = t(this.double ? "monopoly.remote_text_double" : "monopoly.remote_text");
    $("remote-picker").returnValue = "";
    $("remote-picker").showModal();
  }

  picked() {
    const steps = Number($("remote-picker").returnValue);
    if (Number.isInteger(steps) && steps >= 1) this.onRemote(steps);
  }
}
