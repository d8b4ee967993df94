"""A shopper's side of campaign messages: the in-app inbox (messages sent in-app to them, newest first, unread
first counted), opening one (it counts as opened, and the page it links to as visited when the shopper lands
there), opting out and back in; and the host's receipts (delivered, opened by a tap on the push)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.messages.models import Delivery, Message, OptOut
from games.messages.rules import ATTRIBUTION, render
from games.messages.sending import IDEMPOTENCY_PREFIX, link

SHOWN_STATES = ("queued", "sent", "dead")
"""A delivery in these states was meant for the member: the inbox shows it (the gateway's fate aside)."""
INBOX_SIZE = 50
DELIVERY_NUMBER = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class InboxItem:
    """One message in a shopper's inbox, in their language."""

    id: int
    campaign_id: int
    title: str
    body: str
    image: str | None
    link: str
    sent_at: datetime
    read: bool


def inbox(session: Session, external_id: str, lang: str, values: dict[str, object]) -> list[InboxItem]:
    """The shopper's in-app messages, newest first (at most :data:`INBOX_SIZE`)."""
    rows = session.execute(
        select(Delivery, Message)
        .join(Message, Message.id == Delivery.message_id)
        .where(Delivery.external_id == external_id, Delivery.state.in_(SHOWN_STATES))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(INBOX_SIZE * 2)
    ).all()
    items = [_item(d, m, json.loads(m.config_json), lang, values) for d, m in rows]
    return [item for item in items if item is not None][:INBOX_SIZE]


def unread(items: list[InboxItem]) -> int:
    """How many of ``items`` the shopper has not opened."""
    return sum(not item.read for item in items)


def _item(
    delivery: Delivery, message: Message, config: dict[str, Any], lang: str, values: dict[str, object]
) -> InboxItem | None:
    if "in_app" not in config["channels"]:
        return None
    variant = next((v for v in config["variants"] if v["key"] == delivery.variant), {})
    wording = config["channel_wording"].get("in_app") or {}
    texts = {}
    for part in ("title", "body"):
        text = wording.get(part) or variant.get(part) or config[part]
        texts[part] = render(text.get(lang) or text["zh"], values)
    return InboxItem(delivery.id, message.campaign_id, texts["title"], texts["body"], config.get("image"),
                     link(message.campaign_id, config.get("link", ""), delivery.id), delivery.created_at,
                     delivery.opened_at is not None)  # fmt: skip


def mark(session: Session, delivery_id: int, external_id: str, user_id: int, stage: str, now: datetime) -> str | None:
    """The shopper opened a message (``opened``) or landed on its page (``visited``, which counts as opened too);
    the first time counts. The page it opens, or ``None`` when the delivery is not the shopper's."""
    found = session.execute(select(Delivery, Message).join(Message).where(Delivery.id == delivery_id)).one_or_none()
    if found is None or found[0].external_id != external_id or found[0].state not in SHOWN_STATES:
        return None
    delivery, message = found
    delivery.user_id = delivery.user_id or user_id
    delivery.opened_at = delivery.opened_at or now
    if stage == "visited":
        delivery.visited_at = delivery.visited_at or now
    return link(message.campaign_id, json.loads(message.config_json).get("link", ""), delivery.id)


def receipts(session: Session, items: list[dict[str, str]], now: datetime) -> dict[str, str]:
    """The host's receipts: ``{"id": "carnival-msg-N", "status": "delivered" | "opened"}``; per id, ``recorded``
    or ``unknown``. An opened message was delivered, a delivered one was sent (even if the gateway's answer to
    Carnival was lost and it waits for a retry); a receipt again changes nothing."""
    results = {}
    for item in items:
        delivery = _by_idempotency_id(session, item["id"])
        if delivery is None or delivery.state not in SHOWN_STATES:
            results[item["id"]] = "unknown"
            continue
        if delivery.state != "sent":  # the gateway had it after all (its answer to Carnival was lost)
            delivery.state, delivery.sent_at, delivery.lease, delivery.lease_until = "sent", now, None, None
            delivery.attributed_until = now + ATTRIBUTION
        delivery.delivered_at = delivery.delivered_at or now
        if item["status"] == "opened":
            delivery.opened_at = delivery.opened_at or now
        results[item["id"]] = "recorded"
    return results


def _by_idempotency_id(session: Session, text: str) -> Delivery | None:
    number = text.removeprefix(IDEMPOTENCY_PREFIX)
    if number == text or not DELIVERY_NUMBER.fullmatch(number):
        return None
    return session.get(Delivery, int(number))


def opt_out(session: Session, external_id: str, now: datetime) -> None:
    """No more campaign messages for the shopper (again: nothing changes)."""
    insert_ignoring_conflicts(session, OptOut.__table__, {"external_id": external_id, "created_at": now})


def opt_in(session: Session, external_id: str) -> None:
    """Campaign messages again for the shopper."""
    session.execute(delete(OptOut).where(OptOut.external_id == external_id))


def opted_out(session: Session, external_id: str) -> bool:
    """Whether the shopper asked for no campaign messages."""
    return session.get(OptOut, external_id) is not None
