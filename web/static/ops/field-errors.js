// The server's field messages ({"config.pool.prizes.1.weight": ["..."]}) shown next to their fields,
// in the console's language (server-text.js).
// A path finds its field's slot (data-error-slot), else its input (data-field), else the nearest group
// of a parent path (data-field-group); what matches nothing goes to the page's general error box.
// A slot may send its messages to another element (data-error-into="id", labelled with
// data-error-label): the pool table shows a row's messages on a strip under that row.

import { el } from "./dom.js";
import { has, t } from "./i18n.js";
import { localize } from "./server-text.js";

const esc = (path) => CSS.escape(path);

function target(root, path) {
  const slot = root.querySelector(`[data-error-slot="${esc(path)}"]`);
  const into = slot?.dataset.errorInto && root.querySelector(`#${esc(slot.dataset.errorInto)}`);
  if (into) return { node: into, rest: slot.dataset.errorLabel ?? "" };
  if (slot) return { node: slot, rest: "" };
  const input = root.querySelector(`[data-field="${esc(path)}"]`);
  if (input) return { node: input.parentElement, rest: "" };
  const keys = path.split(".");
  for (let n = keys.length; n > 0; n--) {
    const group = root.querySelector(`[data-field-group="${esc(keys.slice(0, n).join("."))}"]`);
    if (group) return { node: group, rest: keys.slice(n).join("."), prepend: true };
  }
  return null;
}

function messageList(path, messages, rest) {
  return el(
    "ul",
    { class: "field-errors", "data-testid": "field-error", "data-error-for": path },
    messages.map(localize).map((message) => el("li", {}, rest ? `${rest}: ${message}` : message)),
  );
}

/** Remove every shown field message under ``root``. */
export function clearFieldErrors(root) {
  for (const node of root.querySelectorAll(".field-errors")) node.remove();
  for (const node of root.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

/** Remove the message of one path (its field was edited). */
export function clearFieldError(root, path) {
  for (const node of root.querySelectorAll(`[data-error-for="${esc(path)}"]`)) node.remove();
  root.querySelector(`[data-field="${esc(path)}"]`)?.removeAttribute("aria-invalid");
}

/**
 * Show ``fields`` (path -> messages) under ``root``; returns the entries that found no place, as
 * ``[path, messages]`` for the general box.
 */
export function showFieldErrors(root, fields) {
  const unplaced = [];
  for (const [path, messages] of Object.entries(fields ?? {})) {
    const found = path === "_schema" ? null : target(root, path);
    if (!found) {
      unplaced.push([path, messages]);
      continue;
    }
    const list = messageList(path, messages, found.rest);
    if (found.prepend) found.node.prepend(list);
    else found.node.append(list);
    root.querySelector(`[data-field="${esc(path)}"]`)?.setAttribute("aria-invalid", "true");
  }
  return unplaced;
}

/** The unplaced messages as a list for a general error box. */
export function generalList(unplaced) {
  return el(
    "ul",
    { class: "general-errors", "data-testid": "general-errors" },
    unplaced.flatMap(([path, messages]) =>
      messages
        .map(localize)
        .map((m) => el("li", { "data-error-for": path }, path === "_schema" ? m : `${pathLabel(path)}: ${m}`)),
    ),
  );
}

const SAID_BY_THE_NEXT = new Set(["config", "pool", "games", ""]); // "prizes" and a game's name say them

/**
 * A field path in words: "config.pool.prizes.4.name" is "奖品 5 · 名称" ("Prize 5 · Name"). Each name is
 * looked up as ``path.NAME`` (a name inside a list or an object), then ``field.NAME``, then ``game.NAME``;
 * a list index becomes its item's number.
 */
export function pathLabel(path) {
  if (path === "config") return t("errors.config");
  const words = [];
  for (const part of path.split(".").filter((name) => !SAID_BY_THE_NEXT.has(name))) {
    if (/^\d+$/.test(part) && words.length) words[words.length - 1] += ` ${Number(part) + 1}`;
    else words.push(nameOf(part));
  }
  return words.join(" · ");
}

function nameOf(name) {
  for (const key of [`path.${name}`, `field.${name}`, `game.${name}`]) if (has(key)) return t(key);
  return name.replaceAll("_", " ");
}

/** The messages of ``fields`` (path -> messages) as list items: each field in words, its messages localized. */
export function fieldProblems(fields) {
  return Object.entries(fields ?? {}).flatMap(([path, messages]) =>
    messages.map((m) => el("li", { "data-problem-for": path }, `${pathLabel(path)}: ${localize(m)}`)),
  );
}

/**
 * Whether an edit of ``path`` may change the verdict on ``fields`` (path -> messages): it is one of them, or
 * holds one, or lies inside one. The live panels ask the server again only then, so a draft the server
 * cannot validate is not sent again and again while ops edit other fields.
 */
export function touches(fields, path) {
  return Object.keys(fields ?? {}).some(
    (field) => field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`) || field === "_schema",
  );
}
