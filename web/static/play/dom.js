// A tiny element builder. Children are appended as nodes or text (never parsed as HTML).

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
