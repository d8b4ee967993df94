// The shopper's campaign messages (活动消息): newest first as the server lists them, in the page's language, the
// unread ones marked; a tap tells the server the message was opened and goes to the campaign page it links to; the
// switch 不再接收活动消息 opts out of new messages (or back in). The server decides what is listed, read and sent.

import { api, errorText } from "./api.js";
import { el, showMessage } from "./dom.js";
import { dateTime } from "./format.js";
import { currentLang, initI18n, onLanguageChange, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const page = { box: null, error: null, opening: null, switching: false, asked: 0 };

function messageImage(item) {
  if (!item.image) return null;
  return el("img", { class: "inbox-image", src: item.image, alt: "", loading: "lazy", "data-testid": "inbox-image" });
}

function messageItem(item) {
  const busy = page.opening === item.id ? "true" : null;
  const link = el(
    "a",
    { class: "inbox-link", href: item.link, "data-testid": "inbox-open", "aria-busy": busy },
    messageImage(item),
    el(
      "div",
      { class: "inbox-text" },
      el(
        "p",
        { class: "inbox-title" },
        item.read ? null : el("span", { class: "inbox-dot", "data-testid": "inbox-unread-mark" }, t("inbox.unread")),
        el("span", { "data-testid": "inbox-title" }, item.title),
      ),
      el("p", { class: "inbox-body", "data-testid": "inbox-body" }, item.body),
      el("time", { class: "when", datetime: item.sent_at, "data-testid": "inbox-time" }, dateTime(item.sent_at)),
    ),
  );
  link.addEventListener("click", (event) => {
    event.preventDefault();
    open(item);
  });
  const state = item.read ? "read" : "unread";
  const attributes = { class: `inbox-item is-${state}`, "data-message-id": item.id, "data-read": String(item.read) };
  return el("li", { ...attributes, "data-testid": "inbox-item" }, link);
}

function showSwitch(box) {
  $("optout-card").hidden = !box;
  if (!box) return;
  const toggle = $("optout");
  toggle.setAttribute("aria-checked", String(box.opted_out));
  toggle.disabled = page.switching;
  $("optout-state").textContent = t(box.opted_out ? "inbox.opted_out" : "inbox.opted_in");
}

function render() {
  showMessage(page.error ? errorText(page.error) : "");
  const box = page.box;
  showSwitch(box);
  if (!box) return;
  $("inbox").replaceChildren(...box.items.map(messageItem));
  $("inbox-empty").hidden = box.items.length > 0;
  $("inbox-empty").textContent = t(box.opted_out ? "inbox.empty_opted_out" : "inbox.empty");
}

/** Tell the server the message was opened, then go to the page it links to (the server's link). */
async function open(item) {
  if (page.opening !== null) return;
  page.opening = item.id;
  render();
  try {
    const answer = await api(`/api/play/inbox/${item.id}/opened`, { method: "POST" });
    window.location.assign(answer.link || item.link);
  } catch (error) {
    page.error = error;
    page.opening = null;
    render();
  }
}

async function switchOptOut() {
  if (!page.box || page.switching) return;
  page.switching = true;
  render();
  try {
    const choice = page.box.opted_out ? "opt-in" : "opt-out";
    page.box.opted_out = (await api(`/api/play/inbox/${choice}`, { method: "POST" })).opted_out;
    page.error = null;
  } catch (error) {
    page.error = error;
  }
  page.switching = false;
  render();
}

/** The inbox in the current language (the server writes each message's words); a late answer of an earlier
 * language is dropped. ``keepError``: a refusal shown stays shown (in the new language). */
async function load({ keepError = false } = {}) {
  const asked = ++page.asked;
  try {
    const box = await api(`/api/play/inbox?lang=${currentLang()}`);
    if (asked !== page.asked) return;
    page.box = box;
    if (!keepError) page.error = null;
  } catch (error) {
    if (asked !== page.asked) return;
    page.error = error;
  }
  $("loading").hidden = true;
  render();
}

$("optout").addEventListener("click", switchOptOut);
initI18n();
onLanguageChange(() => {
  render();
  load({ keepError: true });
});
await load();
