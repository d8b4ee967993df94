// The campaign messages page of one campaign (活动推送): the segments (push-segments.js), the campaign's messages with
// their state, batches and deliveries by state, the buttons their state allows (schedule, pause, resume, stop, send
// the dead letters again), the message form (push-form.js) and the funnel of the message picked (push-funnel.js).
// While a message is sending, its row and its funnel are read again every REFRESH_MS. The server decides every move:
// a refusal (a message another colleague paused meanwhile...) is said in words and the list is read again.

import { api, errorText } from "./api.js";
import { $, el, notice } from "./dom.js";
import { count, dateTime, knownZone, zoneName } from "./format.js";
import { currentLang, has, localName, onLanguageChange, t } from "./i18n.js";
import { showLifecycle } from "./lifecycle.js";
import { messageEditor } from "./push-form.js";
import { funnelPanel } from "./push-funnel.js";
import { segmentsPanel } from "./push-segments.js";
import { requireOps } from "./session.js";

const campaignId = Number(document.querySelector("[data-campaign-id]").dataset.campaignId);
const MESSAGES_URL = `/api/ops/campaigns/${campaignId}/messages`;
const REFRESH_MS = 10_000;
const DELIVERY_ORDER = ["sent", "queued", "dead", "capped", "opted_out", "stopped"];
const MOVES = { draft: ["schedule"], scheduled: ["pause", "stop"], paused: ["resume", "stop"] };
const state = { detail: null, messages: null, loadedAt: null, confirmStop: null, busy: false, polling: false };

/** The campaign's time zone (its draft's, until the campaign row names it). */
function zone() {
  return state.detail?.campaign?.timezone ?? state.detail?.draft?.body?.timezone ?? "Asia/Shanghai";
}

/** Whether ``message`` is still going out: batches to make, or deliveries queued for the gateway. */
function sending(message) {
  return message.state === "scheduled" || (message.state === "done" && (message.deliveries.queued ?? 0) > 0);
}

function say(text, kind = "error") {
  notice($("push-message"), text, kind);
}

function renderHead() {
  const campaign = state.detail.campaign;
  $("campaign-title").textContent = localName(campaign);
  showLifecycle($("campaign-status"), campaign);
}

function renderUpdated() {
  if (!state.loadedAt) return;
  const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
  const format = new Intl.DateTimeFormat(currentLang() === "en" ? "en-GB" : "zh-CN", {
    ...options,
    timeZone: knownZone(zone()),
  });
  const time = format.format(state.loadedAt);
  $("updated-at").textContent = t("live.updated", { at: t("dash.in_zone", { time, zone: zoneName(zone()) }) });
}

function label(prefix, value) {
  return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value.replaceAll("_", " ");
}

function deliveriesCell(message) {
  const names = Object.keys(message.deliveries);
  const known = DELIVERY_ORDER.filter((n) => n in message.deliveries);
  const ordered = [...known, ...names.filter((n) => !DELIVERY_ORDER.includes(n))];
  const chips = ordered.map((name) =>
    el(
      "span",
      { class: `badge delivery-${name}`, "data-testid": `delivery-${name}`, "data-count": message.deliveries[name] },
      `${label("push.delivery", name)} ${count(message.deliveries[name])}`,
    ),
  );
  const none = el("span", { class: "muted" }, "—");
  return el("td", { class: "badges", "data-testid": "message-deliveries" }, chips.length ? chips : none);
}

/** Why the send paused itself (its guard's note, "batch 2: 12% opened, under 30%"), in words when we know them. */
function guardNote(note) {
  const found = /^batch (\d+): (\d+)% (\w+), under (\d+)%$/.exec(note);
  if (!found) return t("push.note", { note });
  const [, batch, percent, stage, min] = found;
  return t("push.guard_note", { batch, percent, stage: label("push.stage", stage), min });
}

function stateCell(message) {
  const next = message.next_batch_at ? t("push.next_batch", { time: dateTime(message.next_batch_at, zone()) }) : "";
  const said = message.note ? guardNote(message.note) : null;
  const note = said ? el("div", { class: "push-note small", "data-testid": "message-note" }, said) : null;
  return el(
    "td",
    {},
    el(
      "span",
      { class: `status push-state-${message.state}`, "data-testid": "message-state", "data-state": message.state },
      label("push.state", message.state),
    ),
    next ? el("div", { class: "muted small", "data-testid": "message-next" }, next) : null,
    note,
  );
}

function button(testid, text, onclick, kind = "") {
  return el("button", { type: "button", class: `button small ${kind}`.trim(), "data-testid": testid, onclick }, text);
}

function actions(message) {
  const id = message.id;
  if (state.confirmStop === id) {
    return [
      button("message-stop-confirm", t("push.confirm_stop"), () => act(message, "stop"), "danger"),
      button("message-stop-cancel", t("push.cancel"), () => {
        state.confirmStop = null;
        renderMessages();
      }),
    ];
  }
  const moves = (MOVES[message.state] ?? []).map((step) =>
    button(`message-${step}`, t(`push.verb.${step}`), () => {
      if (step !== "stop") return act(message, step);
      state.confirmStop = id;
      return renderMessages();
    }),
  );
  const dead = (message.deliveries.dead ?? 0) > 0;
  const picked = funnel.shown() === id ? "primary" : "ghost";
  return [
    message.state === "draft" ? button("message-edit", t("push.edit"), () => editor.edit(message)) : null,
    ...moves,
    dead ? button("message-resend", t("push.verb.resend"), () => act(message, "resend")) : null,
    button("message-funnel", t("push.show_funnel"), () => pick(message), picked),
  ];
}

function segmentName(id) {
  const segment = segments.list().find((s) => s.id === id);
  return segment ? segment.name : `#${id}`;
}

function messageRow(message) {
  const channels = message.config.channels.map((c) => label("enum", c)).join(t("push.list_sep"));
  const several = message.config.variants.length;
  const variants = several > 1 ? ` · ${t("push.variants", { n: several })}` : "";
  const classes = [funnel.shown() === message.id && "selected", editor.editing() === message.id && "editing"];
  return el(
    "tr",
    { "data-testid": "message-row", "data-message-id": message.id, class: classes.filter(Boolean).join(" ") || null },
    el(
      "td",
      {},
      el("div", { class: "strong", "data-testid": "message-row-name" }, message.name),
      el("div", { class: "muted small" }, `#${message.id} · ${channels}${variants}`),
    ),
    el("td", { "data-testid": "message-segment" }, segmentName(message.segment_id)),
    stateCell(message),
    el("td", { class: "num", "data-testid": "message-batches" }, count(message.batches)),
    deliveriesCell(message),
    el("td", { class: "row-actions" }, actions(message)),
  );
}

function renderMessages() {
  if (!state.messages) return;
  $("messages").replaceChildren(...state.messages.map(messageRow));
  $("messages-table").hidden = state.messages.length === 0;
  $("messages-empty").hidden = state.messages.length > 0;
  $("messages-count").textContent = state.messages.length ? t("push.count", { n: state.messages.length }) : "";
  renderUpdated();
}

async function pick(message) {
  await funnel.show(message);
  renderMessages();
}

async function loadMessages() {
  state.messages = await api(MESSAGES_URL);
  state.loadedAt = new Date();
  const shown = state.messages.find((m) => m.id === funnel.shown());
  const first = state.messages.find((m) => m.batches > 0) ?? state.messages[0] ?? null;
  await funnel.show(shown ?? first);
  renderMessages();
}

/** Ask the server to ``step`` (schedule, pause, resume, stop, resend) ``message``; a refusal is said in words. */
async function act(message, step) {
  if (state.busy) return;
  state.busy = true;
  state.confirmStop = null;
  try {
    const moved = await api(`/api/ops/messages/${message.id}/${step}`, { method: "POST" });
    say(t(`push.moved.${step}`, { name: moved.name }), "ok");
  } catch (error) {
    say(errorText(error));
  } finally {
    state.busy = false;
  }
  await refresh();
}

async function refresh() {
  try {
    await loadMessages();
    await funnel.load();
  } catch (error) {
    say(errorText(error));
  }
}

/** Every REFRESH_MS: while a message is sending, its row and the funnel shown are read again. */
async function poll() {
  if (state.polling || !state.messages?.some(sending)) return;
  state.polling = true;
  try {
    const funnelSending = state.messages.some((m) => m.id === funnel.shown() && sending(m));
    await loadMessages();
    if (funnelSending) await funnel.load();
  } catch (error) {
    say(errorText(error));
  } finally {
    state.polling = false;
  }
}

await requireOps();
let form;
try {
  [state.detail, form] = await Promise.all([api(`/api/ops/campaigns/${campaignId}`), api("/api/ops/messages/form")]);
  renderHead();
} catch (error) {
  say(errorText(error));
  await new Promise(() => {}); // nothing more to show without the campaign and the forms
}
const funnel = funnelPanel();
const segments = segmentsPanel(form.segment, {
  say,
  changed() {
    renderMessages();
    editor.render();
  },
});
const editor = messageEditor(campaignId, form.message, {
  zone,
  segments: () => segments.list(),
  saved(message, text) {
    say(text, "ok");
    funnel.show(message);
    refresh();
  },
});
$("new-message").addEventListener("click", () => {
  if (!segments.list().length) return say(t("push.message.no_segments"), "info");
  return editor.add();
});
await Promise.all([segments.load(), loadMessages()]).catch((error) => say(errorText(error)));
setInterval(poll, REFRESH_MS);
onLanguageChange(() => {
  renderHead();
  segments.render();
  renderMessages();
  funnel.render();
  editor.render();
});
