"""Campaign messages' tables: audiences (segments, and the host user ids uploaded into one), messages and their
sends, one delivery row per member (the truth of who was sent what, and what came of it), per-shopper daily
contact counters (the frequency cap) and opt-outs. Shoppers are named by the host's user id throughout: a member
need not have opened Carnival yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime


class Segment(Base):
    """An audience: ``rules_json`` (what Carnival knows and the host sent) or, with ``uploaded``, the host user ids
    uploaded into it."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    rules_json: Mapped[str] = mapped_column(Text)
    uploaded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SegmentUpload(Base):
    """A host user id uploaded into a segment."""

    __tablename__ = "segment_uploads"

    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class Message(Base):
    """A campaign message and its send: content and variants (``config_json``), the segment it goes to, and where
    the send stands: ``state`` draft, scheduled, paused, stopped or done; the members batched so far (by host user
    id, in order: ``cursor`` is the last one batched), the batches made, and when the next one is due."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    config_json: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    cursor: Mapped[str] = mapped_column(String(64), default="")
    batches: Mapped[int] = mapped_column(default=0)
    next_batch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(200))  # why the send paused itself (its guard), for ops
    judged: Mapped[int] = mapped_column(default=0)  # the last batch its guard judged (each batch is judged once)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One member's copy of a message, made when their batch is made (one per member and message, whatever
    happens after). ``state``: ``queued`` (to be sent, at ``next_attempt_at``), ``sent`` (the host's gateway took
    it), ``dead`` (given up after the retries: the dead-letter list), or skipped at batching: ``capped`` (the
    daily cap), ``opted_out``. The funnel's times follow: ``delivered_at`` (the host's ack), ``opened_at``,
    ``visited_at`` (the campaign page opened from it), ``played_at``, ``ordered_at`` and ``sales_fen``. A worker
    sending it holds ``lease`` (its token) until ``lease_until``; its id is the idempotency id the host sees."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "external_id"),
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        Index("ix_deliveries_member", "external_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    batch: Mapped[int]
    external_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None]
    variant: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease: Mapped[str | None] = mapped_column(String(16))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attributed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sent_at + the funnel's attribution
    contact_day: Mapped[str | None] = mapped_column(String(10))  # the local day whose contact under the cap it took
    timezone: Mapped[str | None] = mapped_column(String(64))  # the member's (their launch's tz); None: the campaign's
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    played_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sales_fen: Mapped[int] = mapped_column(default=0)


class ContactDay(Base):
    """How many messages a shopper was sent on one local day, over all campaigns: taken by a conditional update
    under the cap, so two sends racing never pass it."""

    __tablename__ = "contact_days"

    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class OptOut(Base):
    """A shopper who asked for no campaign messages (from the inbox, or the host's call)."""

    __tablename__ = "message_opt_outs"

    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


__all__ = ["ContactDay", "Delivery", "Message", "OptOut", "Segment", "SegmentUpload"]
