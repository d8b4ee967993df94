// Forms generated from the server's form descriptions: labelled fields, objects as grids, lists of
// scalars as list editors and lists of objects as tables (a game registered later gets its form here
// without console code). Inputs come from controls.js; structural edits call ctx.onStructure().

import { el } from "./dom.js";
import { control, fieldLabel, isMoney, parentName } from "./controls.js";
import { has, t } from "./i18n.js";

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

function structure(desc, path, value, ctx) {
  if (desc.type === "object") return objectForm(desc, path, value ?? {}, ctx, { legend: false });
  if (desc.items?.type === "object") return tableEditor(desc, path, Array.isArray(value) ? value : [], ctx);
  if (desc.items && desc.items.type !== "array") return listEditor(desc, path, Array.isArray(value) ? value : [], ctx);
  return control(desc, path, value, ctx);
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
  const deciding = deciders(desc);
  const fieldCtx = deciding.size
    ? {
        ...ctx,
        onChange(path, changed) {
          ctx.onChange(path, changed);
          if (!deciding.has(path.slice(join(basePath, "").length))) return;
          for (const f of desc.fields) {
            if (value && !applies(f, value) && f.name in value) ctx.onChange(join(basePath, f.name), null);
          }
          ctx.onStructure();
        },
      }
    : ctx;
  const rows = desc.fields
    .filter((f) => !skip.includes(f.name) && applies(f, value))
    .map((f) => fieldRow(f, join(basePath, f.name), value?.[f.name], fieldCtx, labels[f.name]));
  return el("div", { class: legend ? "form-grid" : "form-grid nested", "data-field-group": basePath }, rows);
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

/** A new row for a list of objects: the described defaults, the first choice of required enums. */
export function newItem(desc) {
  const item = {};
  for (const field of desc.fields) {
    if ("default" in field) item[field.name] = field.default;
    else if (field.enum && field.required) item[field.name] = field.enum[0];
    else if (field.type === "string" && field.required) item[field.name] = "";
  }
  return item;
}

/** A list of objects (caps, ...): a table with one column per field, add and remove rows. */
export function tableEditor(desc, path, rows, ctx) {
  const fields = desc.items.fields;
  const head = el(
    "tr",
    {},
    fields.map((f) => el("th", {}, fieldLabel(f.name, desc.name), isMoney(f) ? " (¥)" : "")),
    el("th"),
  );
  const body = rows.map((row, i) =>
    el(
      "tr",
      { "data-testid": "table-row" },
      fields.map((f) =>
        el(
          "td",
          { "data-error-slot": `${path}.${i}.${f.name}` },
          cell(f, `${path}.${i}.${f.name}`, row?.[f.name], ctx),
        ),
      ),
      el(
        "td",
        { class: "actions" },
        el(
          "button",
          {
            type: "button",
            class: "icon-button",
            title: t("action.remove"),
            "aria-label": t("action.remove"),
            onclick: () =>
              changeList(
                ctx,
                path,
                rows.filter((_, j) => j !== i),
              ),
          },
          "×",
        ),
      ),
    ),
  );
  return el(
    "div",
    { class: "table-editor", "data-field-group": path },
    el("table", { class: "grid-table" }, el("thead", {}, head), el("tbody", {}, body)),
    el(
      "button",
      {
        type: "button",
        class: "button small",
        "data-testid": "row-add",
        onclick: () => changeList(ctx, path, [...rows, newItem(desc.items)]),
      },
      `+ ${t("action.add_row")}`,
    ),
  );
}

function cell(desc, path, value, ctx) {
  if (desc.type === "array" || (desc.type === "object" && desc.fields)) return structure(desc, path, value, ctx);
  const attrs = desc.type === "string" && !desc.enum && /prize/.test(desc.name) ? { list: ctx.datalist } : {};
  return control(desc, path, value, ctx, attrs);
}
