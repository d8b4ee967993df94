// The prizes of the wheel as text: the visible prize list (奖品一览, art and names) and, for screen
// readers, the slots in wheel order (the canvas itself is hidden from them).

import { el } from "./dom.js";
import { localName } from "./i18n.js";
import { distinctPrizes, prizeSummary, slotText } from "./prize-text.js";

/** A prize's picture: its image when it has one, else the icon of its kind (both decorative). */
export function prizeArt(prize, className = "prize-art") {
  if (prize.image) return el("img", { class: className, src: prize.image, alt: "", "data-testid": "prize-art" });
  return el("span", { class: `${className} kind-icon kind-${prize.kind}`, "aria-hidden": "true" });
}

function prizeCard(prize) {
  const summary = prizeSummary(prize);
  return el(
    "li",
    { class: "prize-card", "data-testid": "prize-card", "data-key": prize.key },
    prizeArt(prize),
    el("span", { class: "prize-card-name" }, localName(prize)),
    summary ? el("span", { class: "prize-card-note" }, summary) : null,
  );
}

/** Fill ``strip`` with one card per prize on the wheel, and ``list`` with the slots, clockwise. */
export function showPrizes(slots, { strip, list }) {
  strip.replaceChildren(...distinctPrizes(slots).map(prizeCard));
  list.replaceChildren(...slots.map((prize) => el("li", {}, slotText(prize))));
}
