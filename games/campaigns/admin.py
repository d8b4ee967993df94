"""Ops workflows on campaigns: drafts with revisions, publish (validated, compliant, not worse),
pause and resume, and the ops audit trail of every change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from economy.limits import set_budget
from economy.models import Budget
from games.campaigns.config import CampaignConfig, parsed_config, publish_version, size_stock
from games.campaigns.disclosure import compliance_problems, worsening_by_field
from games.campaigns.form import CampaignForm, flatten, load_form
from games.engine.registry import Registry
from games.fairness.periods import commit_ahead
from games.insight.metrics import latest_forecast
from games.insight.preflight import DEFAULT_CROWD, Crowd, Preflight, Risk, audience_for, preflight
from games.insight.simulate import Audience
from games.models import Campaign, CampaignDraftRow, ConfigVersion, OpsAuditEntry


class DraftConflict(Exception):
    """The draft changed since the editor loaded it."""


class PublishRefused(Exception):
    """A publish that would break a rule; ``problems`` maps field paths to messages."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("publish refused")
        self.problems = problems


class CampaignNotFound(Exception):
    """No such campaign."""


def open_campaign(session: Session, registry: Registry, actor: str, body: dict[str, Any], now: datetime) -> Campaign:
    """Create a campaign in draft (nothing published yet). :raises ValidationError: field messages."""
    form, _ = load_form(registry, body)
    campaign = Campaign(
        slug=_free_slug(session, body.get("slug"), now),
        name=form.name,
        name_en=form.name_en,
        theme=form.theme,
        timezone=form.timezone,
        starts_at=form.starts_at,
        ends_at=form.ends_at,
        status="draft",
    )
    _insert_campaign(session, campaign)
    session.add(
        CampaignDraftRow(
            campaign_id=campaign.id, revision=1, body_json=_dump(form.body()), updated_at=now, updated_by=actor
        )
    )
    record(session, actor, campaign.id, "create", None, form.body(), now)
    return campaign


def _insert_campaign(session: Session, campaign: Campaign) -> None:
    """Insert ``campaign``; a slug taken meanwhile by a concurrent create is the same field error as one
    taken before. :raises ValidationError: on ``slug``."""
    try:
        with session.begin_nested():
            session.add(campaign)
            session.flush()
    except IntegrityError as error:
        raise ValidationError({"slug": [f"another campaign has the slug '{campaign.slug}'"]}) from error


def _free_slug(session: Session, wanted: str | None, now: datetime) -> str:
    """``wanted``, or one made from the time (``c-<ms>``, then ``c-<ms>-2``, ...) when none is given.

    :raises ValidationError: another campaign has ``wanted``.
    """
    if wanted:
        if _slug_taken(session, wanted):
            raise ValidationError({"slug": [f"another campaign has the slug '{wanted}'"]})
        return wanted
    base = f"c-{int(now.timestamp() * 1000)}"
    made, n = base, 1
    while _slug_taken(session, made):
        n += 1
        made = f"{base}-{n}"
    return made


def _slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is not None


def create_campaign(session: Session, registry: Registry, body: dict[str, Any], actor: str, now: datetime) -> Campaign:
    """Open a campaign and publish its first version at once (seeding, tests); skips compliance."""
    campaign = open_campaign(session, registry, actor, body, now)
    _publish(session, registry, actor, campaign, load_draft(session, campaign.id), now, check_compliance=False)
    return campaign


def load_draft(session: Session, campaign_id: int) -> CampaignDraftRow:
    """The campaign's draft row. :raises CampaignNotFound:"""
    draft = session.get(CampaignDraftRow, campaign_id)
    if draft is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    return draft


def save_draft(
    session: Session,
    registry: Registry,
    actor: str,
    campaign_id: int,
    body: dict[str, Any],
    revision: int,
    now: datetime,
) -> CampaignDraftRow:
    """Replace the draft if it is still at ``revision``.

    :raises ValidationError: field messages (nothing saved). :raises DraftConflict: someone saved first.
    """
    before = load_draft(session, campaign_id)
    form, _ = load_form(registry, body)
    statement = (
        update(CampaignDraftRow)
        .where(CampaignDraftRow.campaign_id == campaign_id, CampaignDraftRow.revision == revision)
        .values(revision=revision + 1, body_json=_dump(form.body()), updated_at=now, updated_by=actor)
    )
    old_body = json.loads(before.body_json)
    if session.execute(statement).rowcount != 1:
        raise DraftConflict("someone else changed this draft; reload it")
    record(session, actor, campaign_id, "edit_draft", old_body, form.body(), now)
    session.refresh(before)
    return before


def publish(
    session: Session,
    registry: Registry,
    actor: str,
    campaign_id: int,
    revision: int,
    now: datetime,
    risks: RiskCheck | None = None,
) -> ConfigVersion:
    """Publish the draft at ``revision`` as an immutable version; with ``risks``, only once every risk of its
    pre-flight (:mod:`games.insight.preflight`) is acknowledged.

    :raises DraftConflict: the draft moved on. :raises PublishRefused: invalid, not compliant, or worse for
        shoppers than the published version of a started campaign. :raises PublishRisky: a risk was not
        acknowledged. Nothing changes then.
    """
    draft = load_draft(session, campaign_id)
    if draft.revision != revision:
        raise DraftConflict("someone else changed this draft; reload it")
    campaign = session.get_one(Campaign, campaign_id, with_for_update=True)
    return _publish(session, registry, actor, campaign, draft, now, check_compliance=True, risks=risks)


@dataclass(frozen=True)
class RiskCheck:
    """Run the pre-flight for ``crowd`` (players a day, draws per player; ``None``: the campaign's latest
    forecast's, else the default) and hold the publish unless every risk's code is in ``acknowledged``."""

    acknowledged: frozenset[str]
    crowd: Crowd | None = None


class PublishRisky(Exception):
    """A publish held until ops acknowledge the risks of its pre-flight."""

    def __init__(self, found: Preflight, unacknowledged: list[Risk]) -> None:
        super().__init__("acknowledge the risks of this publish first")
        self.preflight, self.unacknowledged = found, unacknowledged


def draft_preflight(
    session: Session, registry: Registry, campaign_id: int, revision: int, crowd: Crowd | None, now: datetime
) -> Preflight:
    """The pre-flight of the draft at ``revision``. :raises DraftConflict, PublishRefused: as :func:`publish`."""
    draft = load_draft(session, campaign_id)
    if draft.revision != revision:
        raise DraftConflict("someone else changed this draft; reload it")
    try:
        form, config = load_form(registry, json.loads(draft.body_json))
    except ValidationError as error:
        raise PublishRefused(flatten(error.messages)) from error
    campaign = session.get_one(Campaign, campaign_id)
    return preflight(form, config, _assumed_audience(session, campaign, form, now, crowd))


def _assumed_audience(
    session: Session, campaign: Campaign, form: CampaignForm, now: datetime, given: Crowd | None
) -> Audience:
    """The ``given`` crowd, else the one of the campaign's latest forecast, else the default; over every day
    of the campaign."""
    if given is None:
        latest = latest_forecast(session, campaign, now)
        given = DEFAULT_CROWD if latest is None else (latest.players_per_day, latest.draws_per_player)
    return audience_for(form, given)


def _publish(
    session: Session,
    registry: Registry,
    actor: str,
    campaign: Campaign,
    draft: CampaignDraftRow,
    now: datetime,
    *,
    check_compliance: bool,
    risks: RiskCheck | None = None,
) -> ConfigVersion:
    body = json.loads(draft.body_json)
    try:
        form, config = load_form(registry, body)
    except ValidationError as error:
        raise PublishRefused(flatten(error.messages)) from error
    problems = compliance_problems(config) if check_compliance else {}
    previous = current_config(session, registry, campaign)
    before = _published_state(session, campaign)
    if previous is not None and campaign.starts_at <= now:
        worse = worsening_by_field(previous, config, registry) | _schedule_worsening(campaign, form)
        for path, reasons in worse.items():
            problems.setdefault(path, []).extend([f"already disclosed to shoppers: {r}" for r in reasons])
    if problems:
        raise PublishRefused(problems)
    if risks is not None:
        found = preflight(form, config, _assumed_audience(session, campaign, form, now, risks.crowd))
        if unacknowledged := found.unacknowledged(risks.acknowledged):
            raise PublishRisky(found, unacknowledged)
    try:
        set_budget(session, campaign.id, form.budget_fen, form.daily_budget_fen)
    except ValueError as error:
        raise PublishRefused({"budget_fen": [str(error)]}) from error
    try:
        version = _freeze(session, campaign, config, now)
    except ValueError as error:
        raise PublishRefused({"config": [str(error)]}) from error
    _apply_form(campaign, form)
    commit_ahead(session, campaign, now)
    record(
        session,
        actor,
        campaign.id,
        "publish",
        before,
        {**(_published_state(session, campaign) or {}), "revision": draft.revision},
        now,
    )
    return version


def _published_state(session: Session, campaign: Campaign) -> dict[str, Any] | None:
    """What a publish changes, for the audit trail: version, schedule, budget (``None`` before the first)."""
    if campaign.version_id is None:
        return None
    budget = session.get(Budget, campaign.id)
    return {
        "version": session.get_one(ConfigVersion, campaign.version_id).hash,
        "starts_at": campaign.starts_at.isoformat(),
        "ends_at": campaign.ends_at.isoformat(),
        "timezone": campaign.timezone,
        "budget_fen": budget.total_fen if budget else None,
        "daily_budget_fen": budget.daily_total_fen if budget else None,
    }


def _schedule_worsening(campaign: Campaign, form: CampaignForm) -> dict[str, list[str]]:
    """A started campaign may run longer, not shorter, and keeps its days (time zone) and start."""
    reasons: dict[str, list[str]] = {}
    if form.ends_at < campaign.ends_at:
        reasons["ends_at"] = [f"the campaign would end earlier than {campaign.ends_at.isoformat()}"]
    if form.starts_at != campaign.starts_at:
        reasons["starts_at"] = ["the start of a started campaign cannot change"]
    if form.timezone != campaign.timezone:
        reasons["timezone"] = ["the time zone of a started campaign cannot change"]
    return reasons


def _freeze(session: Session, campaign: Campaign, config: CampaignConfig, now: datetime) -> ConfigVersion:
    existing = session.scalars(
        select(ConfigVersion).where(ConfigVersion.campaign_id == campaign.id, ConfigVersion.hash == config.hash)
    ).one_or_none()
    if existing is None:
        return publish_version(session, campaign, config, now)
    campaign.version_id = existing.id  # back to an earlier version: its stock too
    size_stock(session, campaign.id, config)
    return existing


def _apply_form(campaign: Campaign, form: CampaignForm) -> None:
    campaign.name, campaign.name_en, campaign.theme = form.name, form.name_en, form.theme
    campaign.timezone, campaign.starts_at, campaign.ends_at = form.timezone, form.starts_at, form.ends_at
    if campaign.status == "draft":
        campaign.status = "active"


def current_config(session: Session, registry: Registry, campaign: Campaign) -> CampaignConfig | None:
    """The published config, if any."""
    if campaign.version_id is None:
        return None
    return parsed_config(registry, session.get_one(ConfigVersion, campaign.version_id).config_json)


def set_paused(session: Session, actor: str, campaign_id: int, paused: bool, now: datetime) -> Campaign:
    """Pause (kill switch) or resume a published campaign; seeds and counters are untouched."""
    campaign = session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    if campaign.version_id is None:
        raise PublishRefused({"status": ["publish the campaign before pausing or resuming it"]})
    before = campaign.status
    campaign.status = "paused" if paused else "active"
    if campaign.status == before:  # pausing a paused campaign changes nothing and leaves no entry
        return campaign
    record(
        session,
        actor,
        campaign_id,
        "pause" if paused else "resume",
        {"status": before},
        {"status": campaign.status},
        now,
    )
    return campaign


def record(
    session: Session, actor: str, campaign_id: int | None, action: str, before: Any, after: Any, now: datetime
) -> None:
    """Append to the ops audit trail."""
    session.add(
        OpsAuditEntry(
            campaign_id=campaign_id,
            actor=actor,
            action=action,
            at=now,
            before_json=None if before is None else _dump(before),
            after_json=None if after is None else _dump(after),
        )
    )
    session.flush()


def audit_trail(session: Session, campaign_id: int | None = None, limit: int = 200) -> list[OpsAuditEntry]:
    """Newest changes first, optionally of one campaign."""
    query = select(OpsAuditEntry).order_by(OpsAuditEntry.id.desc()).limit(limit)
    if campaign_id is not None:
        query = query.where(OpsAuditEntry.campaign_id == campaign_id)
    return list(session.scalars(query))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
