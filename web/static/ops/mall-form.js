// The points mall page's good form: add a good or edit one, its fields generated from the server's description of a
// good (GET /api/ops/mall/form: types, limits, kinds), money typed in yuan and sent in fen, the 限时兑换 window on the
// campaign's clock, the image previewed as it is typed, the lowest tier as a select, the coupon Carnival issues shown
// for a coupon good only (with the fields of its type: forms.js's x-only-for). The server validates: its field
// messages come back by path. An edit carries the stock left the form loaded (``expected_stock_left``); when
// redemptions moved it since, the list's refresh says so and the server refuses the save (409 stock_changed): both
// offer to reload the stock, keeping the other edits.

import { api, errorText } from "./api.js";
import { setPath } from "./controls.js";
import { $, debounce, el, notice } from "./dom.js";
import { clearFieldError, clearFieldErrors, generalList, showFieldErrors } from "./field-errors.js";
import { applies, decidingCtx, fieldRow } from "./forms.js";
import { yuan, zoneName } from "./format.js";
import { localName, t } from "./i18n.js";
import { localize } from "./server-text.js";

const FORM_URL = "/api/ops/mall/form";
const TIERS = ["normal", "silver", "gold", "diamond"]; // by rank, as economy/mall/pricing.py ranks them
const DATES = new Set(["starts_at", "ends_at"]);
const YUAN_RANGE = /^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.$/;

/** The words for a good's lowest tier ``rank``: every member, or "金牌会员及以上". */
export function tierGate(rank) {
  if (!rank) return t("mall.gate.any");
  const tier = TIERS[rank];
  return tier ? t("mall.gate.up", { tier: t(`mall.tier.${tier}`) }) : String(rank);
}

/** True for an image address the page may load: https:// or a path on this site (the server checks the rest). */
export function loadable(src) {
  return typeof src === "string" && /^(?:https:\/\/[^/\s]|\/(?![/\\]))/.test(src);
}

/**
 * The good form of ``campaignId`` (``zone()``: the campaign's time zone; ``saved(good, message)``: after an add or
 * edit; ``fresh(goods)``: after the form loaded the list itself; ``closed()``: once it is put away). Returns ``add()``, ``edit(good)``, ``watch(goods)``
 * (each refresh of the list), ``editing()`` (the good's id or null) and ``render()`` (language switch).
 */
export function goodEditor(campaignId, zone, { saved, fresh, closed }) {
  const url = `/api/ops/campaigns/${campaignId}/mall/goods`;
  const state = { desc: null, mode: null, id: null, expected: null, body: { good: {} }, stale: false, busy: false };
  const form = $("good-form");
  const note = $("good-stock-note");

  function defaults() {
    const entries = state.desc.fields.map((f) => [f.name, f.default ?? (f.enum && f.required ? f.enum[0] : undefined)]);
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
  }

  function onChange(path, value) {
    setPath(state.body, path, value);
    clearFieldError(form, path);
    if (path === "good.image") preview();
  }

  const ctx = { onChange, onStructure: () => render(), timeZone: zone };

  function tierRow(f) {
    const path = `good.${f.name}`;
    const ranks = Array.from({ length: f.maximum - f.minimum + 1 }, (_, i) => f.minimum + i);
    const select = el(
      "select",
      {
        id: "good-tier",
        "data-field": path,
        value: String(state.body.good[f.name] ?? f.default ?? f.minimum),
        onchange: (e) => onChange(path, Number(e.target.value)),
      },
      ranks.map((rank) => el("option", { value: String(rank) }, tierGate(rank))),
    );
    return el(
      "div",
      { class: "field", "data-error-slot": path },
      el("label", { for: "good-tier" }, t("field.good.min_tier_rank")),
      select,
    );
  }

  function row(f, fieldCtx) {
    if (f.name === "min_tier_rank") return tierRow(f);
    const desc = f.name === "image" ? { ...f, maxLength: undefined } : f; // one line, though 500 characters may fit
    const label = DATES.has(f.name)
      ? `${t(`field.good.${f.name}`)}${t("mall.in_zone", { zone: zoneName(zone()) })}`
      : undefined;
    const field = fieldRow(desc, `good.${f.name}`, state.body.good[f.name], fieldCtx, label);
    field.dataset.testid = `good-field-${f.name}`;
    if (f.name === "image") field.classList.add("wide");
    return field;
  }

  function render() {
    if (!state.mode) return;
    const title = state.mode === "add" ? t("mall.form.add") : t("mall.form.edit", { id: state.id });
    $("good-editor-title").textContent = title;
    $("good-editor-intro").textContent = t("mall.form.intro", { zone: zoneName(zone()) });
    // A field described "x-only-for" another's values (the coupon: a coupon good's) shows only where it applies;
    // changing the kind drops what no longer applies and draws the form again.
    const good = state.body.good;
    const fieldCtx = decidingCtx(state.desc, "good", good, ctx);
    const rows = state.desc.fields.filter((f) => applies(f, good)).map((f) => row(f, fieldCtx));
    form.replaceChildren(el("div", { class: "form-grid", "data-field-group": "good" }, rows));
    preview();
  }

  const loadPreview = debounce((src) => {
    const image = $("image-preview");
    if (image.getAttribute("src") !== src) image.src = src;
  }, 250);

  function preview() {
    const src = state.body.good.image;
    const image = $("image-preview");
    if (!loadable(src)) {
      image.hidden = true;
      image.removeAttribute("src");
      $("image-preview-note").textContent = t("mall.preview_none");
      return;
    }
    loadPreview(src);
  }

  $("image-preview").addEventListener("load", () => {
    $("image-preview").hidden = false;
    $("image-preview-note").textContent = t("mall.preview");
  });
  $("image-preview").addEventListener("error", () => {
    if (!$("image-preview").getAttribute("src")) return;
    $("image-preview").hidden = true;
    $("image-preview-note").textContent = t("mall.preview_broken");
  });

  async function open(mode, good) {
    state.desc ??= await api(FORM_URL);
    const names = state.desc.fields.map((f) => f.name);
    const values = good ? Object.fromEntries(names.filter((n) => n in good).map((n) => [n, good[n]])) : defaults();
    Object.assign(state, { mode, id: good?.id ?? null, expected: good?.stock_left ?? null, stale: false });
    state.body = { good: values };
    clearFieldErrors(form);
    notice(note, "");
    notice($("good-message"), "");
    $("good-editor").hidden = false;
    render();
    $("good-editor").scrollIntoView({ block: "start" });
  }

  function close() {
    state.mode = null;
    state.id = null;
    $("good-editor").hidden = true;
    form.replaceChildren();
    closed();
  }

  function reloadButton() {
    return el(
      "button",
      { type: "button", class: "button small", "data-testid": "reload-stock", onclick: reloadStock },
      t("mall.form.reload_stock"),
    );
  }

  function staleNote(text, kind) {
    state.stale = true;
    notice(note, text, kind, " ", reloadButton());
  }

  async function reloadStock() {
    try {
      const goods = await api(url);
      fresh(goods);
      const good = goods.find((g) => g.id === state.id);
      if (!good) return notice(note, t("mall.form.gone"));
      Object.assign(state, { expected: good.stock_left, stale: false });
      state.body.good.stock_left = good.stock_left;
      render();
      notice(note, t("mall.form.reloaded", { now: good.stock_left }), "info");
    } catch (error) {
      notice(note, errorText(error));
    }
    return undefined;
  }

  /** The server's field messages under the form's paths; a money range said in yuan. */
  function formFields(fields) {
    const inYuan = (message) => {
      const range = YUAN_RANGE.exec(message);
      return range ? t("mall.yuan_range", { min: yuan(Number(range[1])), max: yuan(Number(range[2])) }) : message;
    };
    return Object.fromEntries(
      Object.entries(fields).map(([path, messages]) => [
        `good.${path}`,
        path.endsWith("_fen") ? messages.map(inYuan) : messages,
      ]),
    );
  }

  function refused(error) {
    if (error.code === "stock_changed") return staleNote(localize(error.message), "error");
    const unplaced = showFieldErrors(form, formFields(error.fields));
    notice($("good-message"), errorText(error), "error", unplaced.length ? generalList(unplaced) : null);
    return undefined;
  }

  async function save() {
    if (state.busy || !state.mode) return;
    const names = state.desc.fields.map((f) => f.name).filter((n) => state.body.good[n] !== undefined);
    const body = Object.fromEntries(names.map((n) => [n, state.body.good[n]]));
    if (state.mode === "edit") body.expected_stock_left = state.expected;
    const [method, target] = state.mode === "add" ? ["POST", url] : ["PUT", `${url}/${state.id}`];
    state.busy = true;
    $("good-save").disabled = true;
    clearFieldErrors(form);
    notice($("good-message"), "");
    try {
      const good = await api(target, { method, body });
      const key = state.mode === "add" ? "mall.form.added" : "mall.form.saved";
      close();
      saved(good, t(key, { name: localName(good) }));
    } catch (error) {
      refused(error);
    } finally {
      state.busy = false;
      $("good-save").disabled = false;
    }
  }

  /** Compare the good being edited with the list just loaded: stock moved by redemptions is said at once. */
  function watch(goods) {
    if (state.mode !== "edit" || state.stale) return;
    const good = goods.find((g) => g.id === state.id);
    if (!good) notice(note, t("mall.form.gone"));
    else if (good.stock_left !== state.expected) {
      staleNote(t("mall.form.stock_moved", { now: good.stock_left, was: state.expected }), "warn");
    }
  }

  $("good-save").addEventListener("click", save);
  $("good-cancel").addEventListener("click", close);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  return {
    add: () => open("add", null),
    edit: (good) => open("edit", good),
    watch,
    editing: () => (state.mode === "edit" ? state.id : null),
    render,
  };
}
