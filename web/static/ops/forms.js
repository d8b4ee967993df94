// Forms generated from the server's form descriptions: labelled fields, objects as grids, lists of
// scalars as list editors and lists of objects as tables, or as a stack of small forms when their items
// have many fields (a game registered later gets its form here without console code). A field described
// with "x-only-for" shows only where it applies, in a grid, a table row or a stacked item alike; items are
// numbered and can be moved; an optional object whose fields are all emptied goes. Inputs come from
// controls.js; structural edits call ctx.onStructure().

import { el } from "./dom.js";
import { control, fieldLabel, isMoney, parentName } from "./controls.js";
import { has, t } from "./i18n.js";

const STACK_OVER = 8; // lists of items with more fields than this are stacked forms: a table would not fit

/** Our words on what a field does ("help.tiers.code", else "help.code"), when we have them. */
function help(name, parent) {
  const key = [`help.${parent}.${name}`, `help.${name}`].find(has);
  return key ? t(key) : null;
}

function hint(desc, path) {
  const parts = [];
  if (isMoney(desc)) {
    if (desc.minimum !== undefined || desc.maximum !== undefined) {
      parts.push(range(desc.minimum === undefined ? undefined : desc.minimum / 100, maxYuan(desc)));
    }
  } else if (desc.type === "integer" && (desc.minimum !== undefined || desc.maximum !== undefined)) {
    parts.push(range(desc.minimum, desc.maximum));
  } else if (desc.type === "array" && (desc.minItems !== undefined || desc.maxItems !== undefined)) {
    parts.push(t("hint.items", { range: range(desc.minItems, desc.maxItems) }));
  }
  if (desc.nullable && desc.type !== "boolean") parts.push(t("hint.optional"));
  const words = desc.name ? help(desc.name, parentName(path)) : null;
  if (words) parts.push(words);
  return parts.join(" · ");
}

function maxYuan(desc) {
  return desc.maximum === undefined ? undefined : desc.maximum / 100;
}

function range(min, max) {
  const f = (n) => new Intl.NumberFormat().format(n);
  if (min !== undefined && max !== undefined) return `${f(min)}–${f(max)}`;
  return min !== undefined ? `≥ ${f(min)}` : `≤ ${f(max)}`;
}

/** A labelled field: the control (or list / table / fieldset for structured fields) with its hint. */
export function fieldRow(desc, path, value, ctx, label = fieldLabel(desc.name, parentName(path))) {
  const structured = desc.type === "array" || (desc.type === "object" && desc.fields);
  const body = structured ? structure(desc, path, value, ctx) : control(desc, path, value, ctx);
  const money = isMoney(desc) ? el("span", { class: "unit" }, "¥") : null;
  const text = hint(desc, path);
  const wide = structured || body.tagName === "TEXTAREA";
  return el(
    "div",
    { class: `field${wide ? " wide" : ""}`, "data-error-slot": path },
    el(
      "label",
      { for: body.id },
      label,
      desc.required ? el("span", { class: "required", title: t("hint.required") }, "*") : null,
    ),
    money ? el("div", { class: "with-unit" }, money, body) : body,
    text ? el("small", { class: "hint" }, text) : null,
  );
}

/** The editor of a structured field; ``nested``: inside a table's cell (a list there is a compact table). */
function structure(desc, path, value, ctx, { nested = false } = {}) {
  if (desc.type === "object") {
    const fieldCtx = desc.required ? ctx : droppingCtx(path, value, ctx);
    return objectForm(desc, path, value ?? {}, fieldCtx, { legend: false });
  }
  const list = Array.isArray(value) ? value : [];
  if (desc.items?.type === "object") {
    if (desc.items.fields.length > STACK_OVER) return stackEditor(desc, path, list, ctx);
    return tableEditor(desc, path, list, ctx, { nested });
  }
  if (desc.items && desc.items.type !== "array") return listEditor(desc, path, list, ctx);
  return control(desc, path, value, ctx);
}

const isBlank = (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

/**
 * ``ctx`` for the fields of the optional object at ``path``: once every one of them is emptied, the object itself
 * goes, so the server takes it as not given (none, or its fields' defaults) instead of refusing its empty fields.
 */
function droppingCtx(path, value, ctx) {
  const held = { ...(value ?? {}) };
  return {
    ...ctx,
    onChange(changed, next) {
      ctx.onChange(changed, next);
      const name = changed.slice(path.length + 1);
      if (!changed.startsWith(`${path}.`) || name.includes(".")) return;
      held[name] = next;
      if (Object.values(held).every(isBlank)) ctx.onChange(path, undefined);
    },
  };
}

/**
 * Whether field ``f`` applies to the object ``value``: a field described with ``"x-only-for": {"type":
 * ["interest_free"]}`` applies only while the sibling ``type`` is one of those values (a coupon's periods).
 */
export function applies(f, value) {
  return Object.entries(f["x-only-for"] ?? {}).every(([sibling, allowed]) => allowed.includes(value?.[sibling]));
}

/** The names of the fields of ``desc`` that other fields' ``x-only-for`` depend on. */
function deciders(desc) {
  return new Set(desc.fields.flatMap((f) => Object.keys(f["x-only-for"] ?? {})));
}

/**
 * A grid of fields for an object description; ``skip`` leaves fields out, as does a field that does not
 * apply to the object's current values (:func:`applies`). Changing a field others depend on drops the
 * values of the fields that no longer apply and draws the form again.
 */
export function objectForm(desc, basePath, value, ctx, { skip = [], labels = {}, legend = true } = {}) {
  const fieldCtx = decidingCtx(desc, basePath, value, ctx);
  const rows = desc.fields
    .filter((f) => !skip.includes(f.name) && applies(f, value))
    .map((f) => fieldRow(f, join(basePath, f.name), value?.[f.name], fieldCtx, labels[f.name]));
  return el("div", { class: legend ? "form-grid" : "form-grid nested", "data-field-group": basePath }, rows);
}

/**
 * ``ctx`` for the fields of the object ``value`` at ``basePath``: changing a field others depend on drops the values
 * of the fields that no longer apply (:func:`applies`) and draws the form again. ``value`` is the draft's own object
 * (edited in place), for a form that lays out its fields itself (the mall's good form).
 */
export function decidingCtx(desc, basePath, value, ctx) {
  const deciding = deciders(desc);
  if (!deciding.size) return ctx;
  return {
    ...ctx,
    onChange(path, changed) {
      ctx.onChange(path, changed);
      if (!deciding.has(path.slice(join(basePath, "").length))) return;
      for (const f of desc.fields) {
        if (value && !applies(f, value) && f.name in value) ctx.onChange(join(basePath, f.name), cleared(f));
      }
      ctx.onStructure();
    },
  };
}

/** What a field that no longer applies becomes: null where it may be null, else nothing at all. */
function cleared(desc) {
  return desc.nullable ? null : undefined;
}

function join(base, name) {
  return base ? `${base}.${name}` : name;
}

function changeList(ctx, path, list) {
  ctx.onChange(path, list);
  ctx.onStructure();
}

/** A list of scalars (wheel slots, ...): one input per item, with add and remove. */
export function listEditor(desc, path, list, ctx) {
  const item = { ...desc.items, name: desc.name, required: true };
  const rows = list.map((value, i) =>
    el(
      "li",
      { class: "list-item", "data-error-slot": `${path}.${i}` },
      el("span", { class: "index" }, i + 1),
      control(item, `${path}.${i}`, value, ctx, { list: item.type === "string" ? ctx.datalist : null }),
      el(
        "button",
        {
          type: "button",
          class: "icon-button",
          title: t("action.remove"),
          "aria-label": t("action.remove"),
          "data-testid": "list-remove",
          onclick: () =>
            changeList(
              ctx,
              path,
              list.filter((_, j) => j !== i),
            ),
        },
        "×",
      ),
    ),
  );
  const blank = item.type === "string" ? (list.at(-1) ?? "") : (list.at(-1) ?? item.default ?? 0);
  return el(
    "div",
    { class: "list-editor", "data-field-group": path },
    el("ol", { class: "list-items" }, rows),
    el(
      "button",
      {
        type: "button",
        class: "button small",
        "data-testid": "list-add",
        onclick: () => changeList(ctx, path, [...list, blank]),
      },
      `+ ${t("action.add_item")}`,
    ),
  );
}

/**
 * A new row for a list of objects: the described defaults, the first choice of required enums, empty required
 * text; without the fields that do not apply to it.
 */
export function newItem(desc) {
  const item = {};
  for (const field of desc.fields) {
    if ("default" in field) item[field.name] = field.default;
    else if (field.enum && field.required) item[field.name] = field.enum[0];
    else if (field.type === "string" && field.required) item[field.name] = "";
  }
  for (const field of desc.fields) if (field.name in item && !applies(field, item)) delete item[field.name];
  return item;
}

function iconButton(label, text, onclick, attrs) {
  const named = { type: "button", class: "icon-button", title: label, "aria-label": label };
  return el("button", { ...named, ...attrs, onclick }, text);
}

/** Move up, move down and remove for item ``i`` of the list ``rows`` at ``path``. */
function rowActions(ctx, path, rows, i) {
  const moved = (j) => {
    const next = [...rows];
    [next[i], next[j]] = [next[j], next[i]];
    changeList(ctx, path, next);
  };
  const move = (testid, disabled) => ({ class: "icon-button move", "data-testid": testid, disabled });
  return [
    iconButton(t("action.move_up"), "↑", () => moved(i - 1), move("row-up", i === 0)),
    iconButton(t("action.move_down"), "↓", () => moved(i + 1), move("row-down", i === rows.length - 1)),
    iconButton(t("action.remove"), "×", () => changeList(ctx, path, rows.filter((_, j) => j !== i)), {
      "data-testid": "row-remove",
    }),
  ];
}

function addRowButton(desc, path, rows, ctx, small = false) {
  return el(
    "button",
    {
      type: "button",
      class: "button small",
      "data-testid": "row-add",
      title: small ? t("action.add_row") : null,
      onclick: () => changeList(ctx, path, [...rows, newItem(desc.items)]),
    },
    small ? "+" : `+ ${t("action.add_row")}`,
  );
}

/** Row ``i`` of a table: a cell per field (a field that does not apply to the row is left out), its actions. */
function tableRow(desc, path, rows, i, ctx) {
  const row = rows[i];
  const rowPath = `${path}.${i}`;
  const rowCtx = decidingCtx(desc.items, rowPath, row, ctx);
  const cells = desc.items.fields.map((f, j) => {
    const shown = applies(f, row);
    const body = shown ? cell(f, `${rowPath}.${f.name}`, row?.[f.name], rowCtx) : el("span", { class: "muted" }, "—");
    const numbered = j === 0 ? el("div", { class: "numbered" }, el("span", { class: "index" }, i + 1), body) : body;
    return el("td", { "data-error-slot": `${rowPath}.${f.name}` }, numbered);
  });
  const actions = el("td", { class: "actions" }, rowActions(ctx, path, rows, i));
  return el("tr", { "data-testid": "table-row" }, cells, actions);
}

/**
 * A list of objects (caps, tiles, ...): a table with one column per field, numbered rows to add, move and remove.
 * ``nested``: a table in a cell of another (a draw tile's prizes), compact, only its add button while empty.
 */
export function tableEditor(desc, path, rows, ctx, { nested = false } = {}) {
  const fields = desc.items.fields;
  const head = el(
    "tr",
    {},
    fields.map((f) => el("th", {}, fieldLabel(f.name, desc.name), isMoney(f) ? " (¥)" : "")),
    el("th"),
  );
  const table = el(
    "table",
    { class: nested ? "grid-table compact" : "grid-table" },
    el("thead", {}, head),
    el("tbody", {}, rows.map((_, i) => tableRow(desc, path, rows, i, ctx))),
  );
  return el(
    "div",
    { class: nested ? "table-editor nested" : "table-editor", "data-field-group": path },
    nested && !rows.length ? null : table,
    addRowButton(desc, path, rows, ctx, nested),
  );
}

/** A list of objects with many fields (tasks, ...): each item a small form of its own, numbered, in order. */
function stackEditor(desc, path, rows, ctx) {
  const name = has(`path.${desc.name}`) ? t(`path.${desc.name}`) : fieldLabel(desc.name);
  const items = rows.map((row, i) =>
    el(
      "fieldset",
      { class: "stacked-item", "data-testid": "stacked-item" },
      el("legend", {}, `${name} ${i + 1}`),
      el("div", { class: "stacked-actions" }, rowActions(ctx, path, rows, i)),
      objectForm(desc.items, `${path}.${i}`, row ?? {}, ctx, { legend: false }),
    ),
  );
  return el("div", { class: "stack-editor", "data-field-group": path }, items, addRowButton(desc, path, rows, ctx));
}

function cell(desc, path, value, ctx) {
  const structured = desc.type === "array" || (desc.type === "object" && desc.fields);
  if (structured) return structure(desc, path, value, ctx, { nested: true });
  const attrs = desc.type === "string" && !desc.enum && /prize/.test(desc.name) ? { list: ctx.datalist } : {};
  return control(desc, path, value, ctx, attrs);
}
