// The dice: faces with pips that tumble while the server rolls, then show the faces it drew. The tumbling faces
// are decoration only (they cycle in a fixed order); the faces shown at rest are always the server's.

import { el } from "../dom.js";
import { t } from "../i18n.js";

const PIPS = { 1: [4], 2: [0, 8], 3: [0, 4, 8], 4: [0, 2, 6, 8], 5: [0, 2, 4, 6, 8], 6: [0, 2, 3, 5, 6, 8] };
const TUMBLE_MS = 90;
const MIN_TUMBLE_MS = 700; // long enough to see the dice roll even when the answer is quick

function die() {
  return el("span", { class: "die", "data-testid": "die" }, ...Array.from({ length: 9 }, () => el("i")));
}

function showFace(node, face) {
  node.dataset.face = String(face);
  for (const [index, pip] of [...node.children].entries()) pip.classList.toggle("on", PIPS[face].includes(index));
}

export class Dice {
  /**
   * @param {HTMLElement} box where the dice stand
   * @param {HTMLElement} said a line for screen readers ("掷出 3 和 5")
   */
  constructor(box, said) {
    this.box = box;
    this.said = said;
    this.timer = null;
    this.started = 0;
  }

  /** Show ``count`` dice (the board's), each on a face, unless they already stand. */
  setCount(count) {
    if (this.box.children.length === count) return;
    this.box.replaceChildren(...Array.from({ length: count }, die));
    [...this.box.children].forEach((node, index) => showFace(node, ((index * 3) % 6) + 1));
  }

  /** Start tumbling (when the page may move). */
  tumble() {
    this.stop();
    this.box.classList.add("is-tumbling");
    this.box.classList.remove("is-unused");
    this.started = Date.now();
    let tick = 0;
    this.timer = setInterval(() => {
      tick += 1;
      [...this.box.children].forEach((node, index) => showFace(node, ((tick + index * 3) % 6) + 1));
    }, TUMBLE_MS);
  }

  /** Stop tumbling where the dice are. */
  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.box.classList.remove("is-tumbling");
  }

  /**
   * Come to rest on ``faces`` (the server's), after tumbling a little while when they were tumbling. ``steps`` are
   * the roll's steps; ``remote`` says a remote-control die chose them (the faces are drawn all the same, unused).
   */
  async settle(faces, steps, remote) {
    if (this.timer) {
      const left = MIN_TUMBLE_MS - (Date.now() - this.started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    }
    this.stop();
    this.setCount(faces.length);
    [...this.box.children].forEach((node, index) => showFace(node, faces[index]));
    this.box.dataset.faces = faces.join(",");
    this.box.classList.toggle("is-unused", remote);
    const said = remote ? t("monopoly.remote_said", { steps }) : t("monopoly.dice_said", { faces: faces.join(" + "), steps });
    this.said.textContent = said;
  }
}
