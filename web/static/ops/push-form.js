// The campaign messages page's message form: write a draft (a name, the segment it goes to, and its config: title
// and body in Chinese and English, image, link, channels, A/B variants, the daily window, batches of N every M minutes,
// the start), or change a draft's config. The config's fields are generated from the server's description (GET
// /api/ops/messages/form "message"); times are typed on the campaign's clock. The server validates: its field messages
// come back by path ("config.title.zh" shown on the form's "message.title.zh").

import { api, errorText } from "./api.js";
import { fieldLabel, setPath } from "./controls.js";
import { $, el, notice } from "./dom.js";
import { clearFieldError, clearFieldErrors, generalList, showFieldErrors } from "./field-errors.js";
import { objectForm } from "./forms.js";
import { zoneName } from "./format.js";
import { t } from "./i18n.js";

const FIRST = { channels: ["in_app"], variants: [{ key: "A", share: 1 }] }; // a new draft's start (the API's default)

/** ``desc`` with every title's texts as one-line inputs (a title is short, though 500 characters may fit). */
function oneLineTitles(desc) {
  const fields = desc.fields.map((f) => {
    if (f.name === "title" && f.fields) return { ...f, fields: f.fields.map((g) => ({ ...g, maxLength: undefined })) };
    if (f.items?.fields) return { ...f, items: oneLineTitles(f.items) };
    return f;
  });
  return { ...desc, fields };
}

/** Server paths under ``config`` as the form's (``message.``). */
function formFields(fields) {
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([path, messages]) => [path.replace(/^config(?=\.|$)/, "message"), messages]),
  );
}

/**
 * The message form of ``campaignId`` (``desc``: the description of a message's config; ``zone()``: the campaign's
 * time zone; ``segments()``: the segments to pick from; ``saved(message, text)``: after an add or an edit).
 * Returns ``add()``, ``edit(message)``, ``editing()`` (the draft's id or null), ``render()`` (language, segments).
 */
export function messageEditor(campaignId, desc, { zone, segments, saved }) {
  const form = oneLineTitles(desc);
  const state = { mode: null, id: null, config: {}, busy: false };
  const editor = $("message-editor");

  const ctx = {
    onChange(path, value) {
      setPath(state, path.replace(/^message/, "config"), value);
      clearFieldError(editor, path);
    },
    onStructure: () => render(),
    timeZone: zone,
  };

  function defaults() {
    const described = form.fields.filter((f) => f.default !== undefined && f.default !== null);
    return structuredClone({ ...Object.fromEntries(described.map((f) => [f.name, f.default])), ...FIRST });
  }

  function segmentOptions(chosen) {
    const options = segments().map((s) => el("option", { value: String(s.id) }, `${s.name} (#${s.id})`));
    $("message-segment").replaceChildren(el("option", { value: "" }, t("push.message.pick_segment")), ...options);
    $("message-segment").value = chosen ? String(chosen) : "";
  }

  function render() {
    if (!state.mode) return;
    const title = state.mode === "add" ? t("push.message.add") : t("push.message.edit", { id: state.id });
    $("message-editor-title").textContent = title;
    $("message-save").textContent = t(state.mode === "add" ? "push.message.save" : "push.message.save_edit");
    $("message-editor-intro").textContent = t("push.message.intro", { zone: zoneName(zone()) });
    segmentOptions($("message-segment").value);
    const labels = { starts_at: `${fieldLabel("starts_at", "message")}（${zoneName(zone())}）` };
    $("message-form").replaceChildren(objectForm(form, "message", state.config, ctx, { labels }));
  }

  function open(mode, message) {
    Object.assign(state, { mode, id: message?.id ?? null });
    state.config = message ? structuredClone(message.config) : defaults();
    $("message-name").value = message?.name ?? "";
    $("message-name").disabled = mode === "edit";
    segmentOptions(message?.segment_id ?? segments()[0]?.id);
    $("message-segment").disabled = mode === "edit";
    clearFieldErrors(editor);
    notice($("message-form-message"), "");
    editor.hidden = false;
    render();
    editor.scrollIntoView({ block: "start" });
  }

  function close() {
    state.mode = null;
    state.id = null;
    editor.hidden = true;
    $("message-form").replaceChildren();
  }

  function request() {
    if (state.mode === "edit") return [`/api/ops/messages/${state.id}`, "PUT", { config: state.config }];
    const segment = $("message-segment").value ? Number($("message-segment").value) : null;
    const body = { name: $("message-name").value.trim(), segment_id: segment, config: state.config };
    return [`/api/ops/campaigns/${campaignId}/messages`, "POST", body];
  }

  async function save() {
    if (state.busy || !state.mode) return;
    const [url, method, body] = request();
    const mode = state.mode;
    state.busy = true;
    $("message-save").disabled = true;
    clearFieldErrors(editor);
    notice($("message-form-message"), "");
    try {
      const message = await api(url, { method, body });
      close();
      saved(message, t(mode === "add" ? "push.message.added" : "push.message.saved", { name: message.name }));
    } catch (error) {
      const unplaced = showFieldErrors(editor, formFields(error.fields));
      notice($("message-form-message"), errorText(error), "error", unplaced.length ? generalList(unplaced) : null);
    } finally {
      state.busy = false;
      $("message-save").disabled = false;
    }
  }

  $("message-save").addEventListener("click", save);
  $("message-cancel").addEventListener("click", close);
  $("message-form").addEventListener("submit", (event) => event.preventDefault());
  $("message-segment").addEventListener("change", () => clearFieldError(editor, "segment_id"));
  $("message-name").addEventListener("input", () => clearFieldError(editor, "name"));
  return {
    add: () => open("add", null),
    edit: (message) => open("edit", message),
    editing: () => (state.mode === "edit" ? state.id : null),
    render,
  };
}
