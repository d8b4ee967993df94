// What every campaign page's top bar does for campaign messages: the bell shows the shopper's unread count (hidden
// at 0), and a page opened from a message (?msg=<id>) tells the server once, so the message's funnel counts the
// visit. The page's own module translates the page; this one only follows its language. Display only.

import { api } from "./api.js";
import { onLanguageChange, t } from "./i18n.js";

const bell = document.querySelector("[data-inbox-bell]");
const count = bell.querySelector("[data-testid=inbox-unread]");
let unread = 0;

function render() {
  count.hidden = !unread;
  count.textContent = unread ? String(unread) : "";
  bell.setAttribute("aria-label", unread ? t("inbox.bell_unread", { n: unread }) : t("inbox.bell"));
}

/** The delivery id of the message this page was opened from (``?msg=<digits>``), or null. */
function openedFrom() {
  const id = new URLSearchParams(window.location.search).get("msg");
  return id && /^\d{1,18}$/.test(id) ? id : null;
}

async function countVisit(id) {
  try {
    await api(`/api/play/inbox/${id}/visited`, { method: "POST" });
  } catch {
    // not this shopper's message, or no answer: the page goes on
  }
}

async function loadUnread() {
  try {
    unread = (await api("/api/play/inbox")).unread;
  } catch {
    unread = 0; // signed out or no answer: a bell without a count
  }
  render();
}

onLanguageChange(render);
render();
const visited = openedFrom();
if (visited) await countVisit(visited); // first: the visit opens the message, so the count below leaves it out
await loadUnread();
