// Form controls generated from the server's form descriptions (GET /api/ops/schemas): one input
// per field, chosen by its type, bound to a dotted path in the draft ("config.games.wheel.slots.3").
// Nothing is validated here: values go to the server as typed and its messages come back by path.
// A value the control cannot read (letters in a number) is sent as text so the server names it.

import { el } from "./dom.js";
import { fromLocalInput, parseYuan, toLocalInput, yuanInput } from "./format.js";
import { has, t } from "./i18n.js";
import { isPrizeKey, prizeSelect } from "./prize-select.js";

const EMPTY = Symbol("empty");
let nextId = 0;

/** ``root`` at ``path`` ("a.0.b"); undefined when missing. */
export function getPath(root, path) {
  return path.split(".").reduce((node, key) => (node === null || node === undefined ? undefined : node[key]), root);
}

/** Set ``root`` at ``path``, creating objects/lists on the way; ``undefined`` removes the key. */
export function setPath(root, path, value) {
  const keys = path.split(".");
  let node = root;
  keys.slice(0, -1).forEach((key, i) => {
    if (node[key] === null || typeof node[key] !== "object") node[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    node = node[key];
  });
  const last = keys.at(-1);
  if (value === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = value;
}

/**
 * The label of a field: our translation when we have one, else its name. ``parent`` (the list or object the
 * field belongs to) picks a translation for that place first: "field.tiers.name" names a tier's name, where
 * "field.name" is the campaign's.
 */
export function fieldLabel(name, parent) {
  if (parent && has(`field.${parent}.${name}`)) return t(`field.${parent}.${name}`);
  return has(`field.${name}`) ? t(`field.${name}`) : name.replaceAll("_", " ");
}

/** The name of the list or object that holds the field at ``path`` ("config.games.checkin.tiers.0.name": tiers). */
export function parentName(path) {
  return path
    .split(".")
    .slice(0, -1)
    .findLast((name) => !/^\d+$/.test(name));
}

/**
 * The name a screen reader gives a control: its field's label, and for an item of a list ("slots.2") the
 * list's label and the item's number, so controls in tables and lists are named too.
 */
export function accessibleName(desc, path) {
  const names = path.split(".");
  const last = names.at(-1);
  if (/^\d+$/.test(last) && names.length > 1) return `${fieldLabel(desc.name ?? names.at(-2))} ${Number(last) + 1}`;
  return fieldLabel(desc.name ?? last, parentName(path));
}

/** True for integer fen amounts (shown and typed as yuan). */
export function isMoney(desc) {
  return desc.type === "integer" && /_fen$/.test(desc.name ?? "");
}

function emit(ctx, desc, path, value) {
  ctx.onChange(path, value === EMPTY ? (desc.nullable ? null : undefined) : value);
}

function readInteger(text) {
  const s = text.trim();
  if (s === "") return EMPTY;
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

function readMoney(text) {
  const s = text.trim();
  if (s === "") return EMPTY;
  return parseYuan(s) ?? s;
}

function shown(value) {
  return value === null || value === undefined ? "" : String(value);
}

function selectControl(desc, path, value, ctx, attrs) {
  const options = desc.enum.filter((v) => v !== null);
  const blank = desc.nullable || !desc.required || !options.includes(value);
  return el(
    "select",
    {
      ...attrs,
      value: value === null || value === undefined ? "" : JSON.stringify(value),
      onchange: (e) => {
        emit(ctx, desc, path, e.target.value === "" ? EMPTY : JSON.parse(e.target.value));
      },
    },
    blank ? el("option", { value: "" }, "—") : null,
    options.map((v) => el("option", { value: JSON.stringify(v) }, has(`enum.${v}`) ? t(`enum.${v}`) : String(v))),
  );
}

function textControl(desc, path, value, ctx, attrs) {
  const long = (desc.maxLength ?? 0) > 120;
  const oninput = (e) => emit(ctx, desc, path, e.target.value === "" ? EMPTY : e.target.value);
  return long
    ? el("textarea", { ...attrs, rows: 3, value: shown(value), oninput })
    : el("input", { ...attrs, type: "text", value: shown(value), oninput });
}

function dateTimeControl(desc, path, value, ctx, attrs) {
  const oninput = (e) => emit(ctx, desc, path, fromLocalInput(e.target.value, ctx.timeZone()) ?? EMPTY);
  return el("input", {
    ...attrs,
    type: "datetime-local",
    step: 60,
    value: value ? toLocalInput(value, ctx.timeZone()) : "",
    oninput,
  });
}

function jsonControl(desc, path, value, ctx, attrs) {
  const oninput = (e) => {
    const text = e.target.value.trim();
    if (text === "") return emit(ctx, desc, path, EMPTY);
    try {
      emit(ctx, desc, path, JSON.parse(text));
    } catch {
      emit(ctx, desc, path, text);
    }
  };
  const text = value === undefined ? "" : JSON.stringify(value, null, 2);
  return el("textarea", { ...attrs, class: "mono", rows: 4, value: text, oninput });
}

/**
 * The input for one scalar field at ``path`` (number, yuan amount, select, checkbox, text, date, time).
 * ``ctx``: ``onChange(path, value)``, ``onStructure()`` (lists grew or shrank), ``timeZone()``,
 * ``datalist`` (id of suggestions for text inside lists), ``prizes()`` (the pool's prizes, for the fields that
 * name one: prize-select.js).
 */
export function control(desc, path, value, ctx, extra = {}) {
  const attrs = { id: `f${++nextId}`, "data-field": path, "aria-label": accessibleName(desc, path), ...extra };
  if (ctx.prizes && isPrizeKey(desc, path)) return prizeSelect(desc, path, value, ctx, attrs);
  if (desc.enum) return selectControl(desc, path, value, ctx, attrs);
  if (desc.type === "boolean") {
    return el("input", {
      ...attrs,
      type: "checkbox",
      checked: Boolean(value),
      onchange: (e) => {
        ctx.onChange(path, e.target.checked);
      },
    });
  }
  if (isMoney(desc)) {
    const money = typeof value === "number" ? yuanInput(value) : shown(value);
    return el("input", {
      ...attrs,
      type: "text",
      inputmode: "decimal",
      class: "money",
      value: money,
      oninput: (e) => {
        emit(ctx, desc, path, readMoney(e.target.value));
      },
    });
  }
  if (desc.type === "integer" || desc.type === "number") {
    return el("input", {
      ...attrs,
      type: "number",
      step: 1,
      min: desc.minimum,
      max: desc.maximum,
      value: shown(value),
      oninput: (e) => emit(ctx, desc, path, readInteger(e.target.value)),
    });
  }
  if (desc.type === "string" && desc.format === "date") {
    return el("input", {
      ...attrs,
      type: "date",
      value: shown(value),
      oninput: (e) => {
        emit(ctx, desc, path, e.target.value || EMPTY);
      },
    });
  }
  if (desc.type === "string" && desc.format === "date-time") return dateTimeControl(desc, path, value, ctx, attrs);
  if (desc.type === "string") return textControl(desc, path, value, ctx, attrs);
  return jsonControl(desc, path, value, ctx, attrs);
}
