// A tiny element builder. Children are appended as nodes or text (never parsed as HTML).

import { t } from "./i18n.js";

/** ``el("li", {class: "x"}, "text", child)``: a new element; null/false children are skipped. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false)
      node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Show ``text`` in the page's #message element (hidden when empty). */
export function showMessage(text) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.hidden = !text;
}

/** Name every element with data-i18n-label="key" (aria-label) in the current language. */
export function translateLabels() {
  for (const element of document.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
}

/** Whether the shopper asked for less motion (no turning wheel, no confetti, no moving marquee). */
export function prefersReducedMotion() {
  return matchMedia("(prefers-reduced-motion: reduce)").matches;
}
