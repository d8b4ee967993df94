// The campaign messages page's segments (人群): the list with each segment's rules in words, a preview of its members
// now (count and the first host user ids), a CSV of host user ids uploaded into an uploaded segment, and the segment
// form: a name, then rules (their form generated from the server's description, GET /api/ops/messages/form
// "segment") or a CSV file picker whose text is sent as text/csv once the segment is made. The server validates: its
// field messages come back by path ("rules.tiers.0" shown on the form's "segment.tiers.0").

import { api, ApiError, errorText } from "./api.js";
import { fieldLabel, setPath } from "./controls.js";
import { $, el, notice } from "./dom.js";
import { clearFieldError, clearFieldErrors, generalList, showFieldErrors } from "./field-errors.js";
import { objectForm } from "./forms.js";
import { count } from "./format.js";
import { has, t } from "./i18n.js";

const URL = "/api/ops/segments";

/** Post ``text`` as a CSV body to ``path``; the JSON answer. :throws ApiError on an error answer. */
async function postCsv(path, text) {
  const headers = { Accept: "application/json", "Content-Type": "text/csv" };
  const response = await fetch(path, { method: "POST", credentials: "same-origin", headers, body: text });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const code = data?.error ?? `http_${response.status}`;
    throw new ApiError(response.status, code, data?.message ?? response.statusText, data?.fields);
  }
  return data;
}

/** A rule's value in words: a known choice by its label, a list joined. */
function ruleValue(value) {
  const one = (v) => (has(`enum.${v}`) ? t(`enum.${v}`) : String(v));
  return Array.isArray(value) ? value.map(one).join(t("push.list_sep")) : one(value);
}

/** A segment's rules in words ("会员等级：金牌会员、钻石会员"), or what an uploaded segment is. */
export function rulesText(segment) {
  if (segment.uploaded) return t("push.segment.uploaded");
  const rules = Object.entries(segment.rules ?? {});
  if (!rules.length) return t("push.segment.everyone");
  const said = rules.map(([name, value]) => `${fieldLabel(name, "segment")}${t("push.colon")}${ruleValue(value)}`);
  return said.join(" · ");
}

/** Server paths under ``rules`` as the form's (``segment.``). */
function formFields(fields) {
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([path, messages]) => [path.replace(/^rules(?=\.|$)/, "segment"), messages]),
  );
}

/** ``rules`` without the lists emptied in the form (a rule left out is no rule). */
function cleaned(rules) {
  return Object.fromEntries(Object.entries(rules).filter(([, v]) => !(Array.isArray(v) && v.length === 0)));
}

/**
 * The segments panel (``desc``: the description of a segment's rules; ``say(text, kind)``: the page's notice;
 * ``changed(segments)``: after the list loaded). Returns ``load()``, ``list()`` and ``render()`` (language switch).
 */
export function segmentsPanel(desc, { say, changed }) {
  const state = { segments: null, previews: {}, open: false, rules: {}, busy: false, uploadTo: null };
  const editor = $("segment-editor");

  const ctx = {
    onChange(path, value) {
      setPath(state, path.replace(/^segment/, "rules"), value);
      clearFieldError(editor, path);
    },
    onStructure: () => renderForm(),
    timeZone: () => "UTC",
  };

  function renderForm() {
    const uploaded = $("segment-kind").value === "uploaded";
    $("segment-rules").replaceChildren(uploaded ? "" : objectForm(desc, "segment", state.rules, ctx));
    $("segment-rules").hidden = uploaded;
    $("segment-rules-intro").hidden = uploaded;
    $("segment-file-field").hidden = !uploaded;
  }

  function open() {
    Object.assign(state, { open: true, rules: {} });
    $("segment-name").value = "";
    $("segment-kind").value = "rules";
    $("segment-file").value = "";
    clearFieldErrors(editor);
    notice($("segment-form-message"), "");
    editor.hidden = false;
    renderForm();
    $("segment-name").focus();
  }

  function close() {
    state.open = false;
    editor.hidden = true;
    $("segment-rules").replaceChildren();
  }

  function refused(error, box = $("segment-form-message")) {
    const unplaced = showFieldErrors(editor, formFields(error.fields));
    notice(box, errorText(error), "error", unplaced.length ? generalList(unplaced) : null);
  }

  async function upload(segment, file) {
    const added = await postCsv(`${URL}/${segment.id}/members`, await file.text());
    const said = { name: segment.name, added: count(added.added), read: count(added.read) };
    say(t("push.segment.uploaded_ok", said), "ok");
    await preview(segment.id);
  }

  async function save() {
    if (state.busy) return;
    const uploaded = $("segment-kind").value === "uploaded";
    const body = { name: $("segment-name").value.trim() };
    if (uploaded) body.uploaded = true;
    else body.rules = cleaned(state.rules);
    const file = uploaded ? $("segment-file").files[0] : null;
    state.busy = true;
    $("segment-save").disabled = true;
    clearFieldErrors(editor);
    notice($("segment-form-message"), "");
    let segment = null;
    try {
      segment = await api(URL, { method: "POST", body });
      close();
      say(t(uploaded && !file ? "push.segment.added_empty" : "push.segment.added", { name: segment.name }), "ok");
      await load();
      if (file) await upload(segment, file);
      else await preview(segment.id);
    } catch (error) {
      if (segment) say(`${t("push.segment.upload_failed", { name: segment.name })}${errorText(error)}`);
      else refused(error);
    } finally {
      state.busy = false;
      $("segment-save").disabled = false;
    }
  }

  async function preview(id) {
    try {
      state.previews[id] = await api(`${URL}/${id}/preview`);
    } catch (error) {
      state.previews[id] = { error: errorText(error) };
    }
    render();
  }

  function previewCell(segment) {
    const found = state.previews[segment.id];
    if (!found) return el("td", { class: "muted", "data-testid": "segment-members" }, "—");
    if (found.error) return el("td", { class: "push-error", "data-testid": "segment-members" }, found.error);
    const sample = found.sample.length ? t("push.segment.sample", { ids: found.sample.join(", ") }) : "";
    return el(
      "td",
      { class: "preview-cell" },
      el(
        "strong",
        { "data-testid": "segment-members", "data-members": found.members },
        t("push.members", { n: count(found.members) }),
      ),
      sample ? el("div", { class: "muted small mono", "data-testid": "segment-sample" }, sample) : null,
    );
  }

  function row(segment) {
    const button = (testid, key, onclick) =>
      el("button", { type: "button", class: "button small", "data-testid": testid, onclick }, t(key));
    const uploadButton = segment.uploaded
      ? button("segment-upload", "push.segment.upload", () => {
          state.uploadTo = segment;
          $("upload-file").value = "";
          $("upload-file").click();
        })
      : null;
    return el(
      "tr",
      { "data-testid": "segment-row", "data-segment-id": segment.id },
      el(
        "td",
        {},
        el("div", { class: "strong", "data-testid": "segment-row-name" }, segment.name),
        el("div", { class: "muted small" }, `#${segment.id}`),
      ),
      el("td", { class: "small", "data-testid": "segment-rules-text" }, rulesText(segment)),
      previewCell(segment),
      el(
        "td",
        { class: "row-actions" },
        uploadButton,
        button("segment-preview", "push.segment.preview", () => preview(segment.id)),
      ),
    );
  }

  function render() {
    if (state.open) renderForm();
    if (!state.segments) return;
    $("segments").replaceChildren(...state.segments.map(row));
    $("segments-table").hidden = state.segments.length === 0;
    $("segments-empty").hidden = state.segments.length > 0;
    $("segments-count").textContent = state.segments.length ? t("push.count", { n: state.segments.length }) : "";
  }

  async function load() {
    state.segments = await api(URL);
    render();
    changed(state.segments);
  }

  $("upload-file").addEventListener("change", async () => {
    const file = $("upload-file").files[0];
    const segment = state.uploadTo;
    if (!file || !segment) return;
    try {
      await upload(segment, file);
    } catch (error) {
      say(`${t("push.segment.upload_failed", { name: segment.name })}${errorText(error)}`);
    }
  });
  $("new-segment").addEventListener("click", open);
  $("segment-cancel").addEventListener("click", close);
  $("segment-save").addEventListener("click", save);
  $("segment-kind").addEventListener("change", renderForm);
  $("segment-rules").addEventListener("submit", (event) => event.preventDefault());
  return { load, list: () => state.segments ?? [], render };
}
