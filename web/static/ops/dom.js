// A tiny element builder for the console. Children are nodes or text (never parsed as HTML).

/**
 * ``el("input", {class: "x", value: 3, oninput: fn}, ...children)``: a new element.
 * null / undefined / false attributes and children are skipped; ``on*`` functions become listeners;
 * ``value``, ``checked`` and ``selected`` are set as properties after the children (so a select's
 * value can name one of its options); ``style`` is set through the CSSOM (the pages' CSP refuses style attributes).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  const properties = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "value" || name === "checked" || name === "selected") properties[name] = value;
    else if (name === "style") node.style.cssText = String(value); // CSSOM: allowed without inline styles in the CSP
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  Object.assign(node, properties);
  return node;
}

/** Replace ``container``'s children, skipping null / undefined / false ones. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** The element with ``id``. */
export const $ = (id) => document.getElementById(id);

/** Show ``text`` in ``box`` with a kind ("error", "ok", "info"); hide the box when ``text`` is empty. */
export function notice(box, text, kind = "error", ...extra) {
  box.className = `notice notice-${kind}`;
  box.replaceChildren(...(text ? [text, ...extra] : []));
  box.hidden = !text;
}

/** ``fn`` called ``ms`` after the last of a burst of calls. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
