"""Tables of the game engine: campaigns and their config versions, seed periods, players,
game states, the draw records and the head of each campaign's hash chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from economy.db import Base, UTCDateTime

LIFECYCLE = ("draft", "scheduled", "active", "paused", "ended")
LIFECYCLE_NOTE = "what everyone is shown: draft, scheduled (not started yet), active, paused or ended"


class Campaign(Base):
    """A marketing campaign: schedule, time zone, status and its published config version."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    theme: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")  # draft, active or paused: what ops set
    version_id: Mapped[int | None]

    def lifecycle(self, now: datetime) -> str:
        """The campaign's state as shoppers, ops and auditors are all shown it at ``now``: ``draft`` (never
        published), ``ended`` (past its end, paused or not), ``paused``, ``scheduled`` (published, not
        started yet) or ``active``."""
        if self.status == "draft":
            return "draft"
        if now >= self.ends_at:
            return "ended"
        if self.status == "paused":
            return "paused"
        return "scheduled" if now < self.starts_at else "active"


class ConfigVersion(Base):
    """An immutable campaign config, named by the SHA-256 of its canonical JSON."""

    __tablename__ = "config_versions"
    __table_args__ = (UniqueConstraint("campaign_id", "hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    hash: Mapped[str] = mapped_column(String(64))
    config_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SeedPeriod(Base):
    """A server seed covering ``[starts_at, ends_at)`` of one campaign; secret until it ends."""

    __tablename__ = "seed_periods"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    key: Mapped[str] = mapped_column(String(32))
    server_seed: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no draw of it can commit; seed public


class Player(Base):
    """A shopper in a campaign: client seed, the period they last drew in and its next nonce."""

    __tablename__ = "players"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    user_id: Mapped[int]
    client_seed: Mapped[str] = mapped_column(String(64))
    period_key: Mapped[str] = mapped_column(String(32), default="")
    period_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_nonce: Mapped[int] = mapped_column(default=0)
    drew: Mapped[bool] = mapped_column(default=False, server_default=false())  # counted by games.fairness.tallies


class GameState(Base):
    """One player's state in one game of a campaign, as the game's JSON."""

    __tablename__ = "game_states"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id", "game"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    user_id: Mapped[int]
    game: Mapped[str] = mapped_column(String(32))
    state_json: Mapped[str] = mapped_column(Text)


class ChainHead(Base):
    """The last record of a campaign's draw chain (locked while a draw is appended)."""

    __tablename__ = "chain_heads"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))


class DrawRecord(Base):
    """One use of the fair RNG; ``record_json`` is the canonical record whose hash is ``hash``. Added unsealed
    (``seq`` and ``hash`` None, ``record_json`` without its place in the chain) and sealed once."""

    __tablename__ = "draw_records"
    __table_args__ = (
        UniqueConstraint("campaign_id", "seq"),
        Index("ix_draw_records_campaign_created", "campaign_id", "created_at"),
        Index("uq_draw_records_period_user_nonce", "campaign_id", "period_key", "user_id", "nonce", unique=True),
        Index("ix_draw_records_period_seq", "campaign_id", "period_key", "seq"),
        Index("ix_draw_records_campaign_granted", "campaign_id", "granted_key", "id"),  # a prize's latest grants
        Index(
            "ix_draw_records_unsealed",
            "campaign_id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    seq: Mapped[int | None] = mapped_column(BigInteger)  # None until sealed (games.fairness.records.seal)
    user_id: Mapped[int] = mapped_column(index=True)
    period_key: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[int] = mapped_column(BigInteger)
    prize_key: Mapped[str] = mapped_column(String(64))
    granted_key: Mapped[str | None] = mapped_column(String(64))
    fallback_reason: Mapped[str | None] = mapped_column(String(32))
    record_json: Mapped[str] = mapped_column(Text)
    hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CampaignDraftRow(Base):
    """The editable draft of a campaign; ``revision`` detects concurrent edits."""

    __tablename__ = "campaign_drafts"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(default=1)
    body_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class OpsAuditEntry(Base):
    """One change made by ops: who, when, what, before and after."""

    __tablename__ = "ops_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpendForecast(Base):
    """A cost simulation ops ran for a campaign, kept as its spend forecast (the latest one counts).

    ``version_hash`` names the published config whose pool was simulated, ``None`` when it was the
    draft's; ``spend_median_json`` and ``spend_p95_json`` are the cumulative spend in fen by campaign
    day (JSON lists of integers, day 1 first).
    """

    __tablename__ = "spend_forecasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    version_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    players_per_day: Mapped[int]
    draws_per_player: Mapped[int]
    days: Mapped[int]
    spend_median_json: Mapped[str] = mapped_column(Text)
    spend_p95_json: Mapped[str] = mapped_column(Text)


class DrawTally(Base):
    """A running count of a campaign's sealed draws (``draws``, ``players``, ``granted:KEY``,
    ``fallback:REASON``): :mod:`games.fairness.tallies`."""

    __tablename__ = "draw_tallies"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class DrawMinute(Base):
    """A campaign's sealed draws made in one minute (UTC): :mod:`games.fairness.tallies`."""

    __tablename__ = "draw_minutes"

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    minute: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class ChainCheckpoint(Base):
    """The chain head when a period ended: ``count`` records, the last one's ``hash`` (``published_at``:
    when it appeared on the public rules page). Kept forever; an export must extend every checkpoint."""

    __tablename__ = "chain_checkpoints"
    __table_args__ = (UniqueConstraint("campaign_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    period_key: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
