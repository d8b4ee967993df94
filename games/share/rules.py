"""The pure rules of shares: starting one, the fraud rules an assist must pass (each refusal a stable code), the
velocity rule that holds an assist for review, the unlocks a valid assist makes, and ops' decision on a held one.

A shopper's state holds the shares they started (with every assist they received) and the assists they gave; an
assist reads and changes the helper's state and the sharer's, which the engine has locked together.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from games.share.config import ShareConfig

ACCEPTED, HELD, REJECTED = "accepted", "held", "rejected"
VELOCITY_WINDOW = timedelta(minutes=1)
REFUSALS = (  # every refusal an assist may meet, in the order the rules are checked
    "self_assist",
    "share_not_found",
    "share_expired",
    "already_assisted",
    "share_complete",
    "flagged_account",
    "not_new_user",
    "device_unknown",
    "own_device",
    "device_repeat",
    "daily_limit",
    "ring_limit",
)


@dataclass
class Assist:
    """An assist a share received: who, from which device, when (ISO, UTC), on which campaign day, and its status."""

    helper: int
    device: str | None
    at: str
    day: str
    status: str = ACCEPTED
    name: str = ""  # the helper's masked name, as the sharer sees it


@dataclass
class Share:
    """A share a shopper started: its number (1, 2, ...), code, time span, the device it was started from, the
    assists it received and the thresholds it unlocked (by their number of assists)."""

    number: int
    code: str
    started_at: str
    expires_at: str
    device: str | None
    assists: list[Assist] = field(default_factory=list)
    unlocked: list[int] = field(default_factory=list)

    def valid(self) -> int:
        """The assists that count (accepted)."""
        return sum(assist.status == ACCEPTED for assist in self.assists)

    def open_at(self, now: datetime) -> bool:
        """Whether the share still takes assists at ``now`` (not expired)."""
        return now < datetime.fromisoformat(self.expires_at)


@dataclass
class Helped:
    """An assist a shopper gave: to whom, which of their shares, when and on which day."""

    sharer: int
    share: int
    at: str
    day: str


@dataclass
class ShareState:
    """A shopper's shares, the assists they gave and the devices they started shares from."""

    shares: list[Share] = field(default_factory=list)
    helped: list[Helped] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)

    def share(self, number: int) -> Share | None:
        """The share numbered ``number``, if any."""
        return next((share for share in self.shares if share.number == number), None)

    def active(self, now: datetime, goal: int) -> Share | None:
        """The share still collecting assists (unexpired, goal not reached), if any."""
        return next((s for s in self.shares if s.open_at(now) and s.valid() < goal), None)


@dataclass(frozen=True)
class Helper:
    """Who assists, as the host's launch token last said: their id, device hash, risk flag, account opening day."""

    user_id: int
    device: str | None = None
    risk: bool = False
    joined: date | None = None
    name: str = ""  # masked, for the sharer's list


@dataclass(frozen=True)
class Assisted:
    """What an assist did: the new states, the assist's status and the thresholds it unlocked."""

    helper_state: ShareState
    sharer_state: ShareState
    status: str
    unlocked: tuple[int, ...]


def start(config: ShareConfig, state: ShareState, code: str, device: str | None, now: datetime) -> ShareState:
    """A new share numbered after the last one, expiring ``config.hours`` from ``now``.

    :raises ValueError: ``share_active`` when one is still collecting assists.
    """
    if state.active(now, config.goal) is not None:
        raise ValueError("share_active")
    new = copy.deepcopy(state)
    expires = now + timedelta(hours=config.hours)
    new.shares.append(Share(len(state.shares) + 1, code, now.isoformat(), expires.isoformat(), device))
    if device and device not in new.devices:
        new.devices.append(device)
    return new


def refusal(
    config: ShareConfig,
    helper: Helper,
    helper_state: ShareState,
    sharer: int,
    sharer_state: ShareState,
    number: int,
    now: datetime,
    today: str,
) -> str | None:
    """The first fraud rule (:data:`REFUSALS`, in order) the assist breaks, or ``None``."""
    share = sharer_state.share(number)
    fraud = config.fraud
    checks = (
        ("self_assist", lambda: helper.user_id == sharer),
        ("share_not_found", lambda: share is None),
        ("share_expired", lambda: not share.open_at(now)),  # type: ignore[union-attr]
        ("already_assisted", lambda: any(a.helper == helper.user_id for a in share.assists)),  # type: ignore[union-attr]
        ("share_complete", lambda: share.valid() >= config.goal),  # type: ignore[union-attr]
        ("flagged_account", lambda: fraud.refuse_flagged and helper.risk),
        ("not_new_user", lambda: fraud.new_users_only and not _new(helper, today, fraud.new_user_days)),
        ("device_unknown", lambda: fraud.device_rules and not helper.device),
        ("own_device", lambda: fraud.device_rules and helper.device in sharer_state.devices),
        ("device_repeat", lambda: fraud.device_rules and _device_helped(sharer_state, helper.device)),
        ("daily_limit", lambda: sum(h.day == today for h in helper_state.helped) >= fraud.helper_daily_max),
        ("ring_limit", lambda: _between(helper, helper_state, sharer, sharer_state, today) >= fraud.ring_daily_max),
    )
    return next((code for code, broken in checks if broken()), None)


def assist(
    config: ShareConfig,
    helper: Helper,
    helper_state: ShareState,
    sharer: int,
    sharer_state: ShareState,
    number: int,
    now: datetime,
    today: str,
) -> Assisted:
    """Record an assist that passed :func:`refusal`: held for review when the share already took
    ``velocity_per_minute`` assists in the last minute, else accepted, unlocking the thresholds it reaches."""
    helper_new, sharer_new = copy.deepcopy(helper_state), copy.deepcopy(sharer_state)
    share = sharer_new.share(number)
    assert share is not None  # refusal() said share_not_found otherwise
    recent = [a for a in share.assists if a.status != REJECTED and now - datetime.fromisoformat(a.at) < VELOCITY_WINDOW]
    status = HELD if len(recent) >= config.fraud.velocity_per_minute else ACCEPTED
    share.assists.append(Assist(helper.user_id, helper.device, now.isoformat(), today, status, helper.name))
    helper_new.helped.append(Helped(sharer, number, now.isoformat(), today))
    unlocked = unlock(config, share) if status == ACCEPTED else ()
    return Assisted(helper_new, sharer_new, status, unlocked)


def unlock(config: ShareConfig, share: Share) -> tuple[int, ...]:
    """Mark (on ``share``) and return the thresholds its valid assists reach that were not unlocked yet."""
    reached = tuple(
        t.assists for t in config.thresholds if t.assists <= share.valid() and t.assists not in share.unlocked
    )
    share.unlocked.extend(reached)
    return reached


def decide(
    config: ShareConfig, state: ShareState, number: int, helper: int, approve: bool
) -> tuple[ShareState, tuple[int, ...]]:
    """Ops' decision on a held assist: approved it counts (and may unlock thresholds), rejected it does not.

    :raises ValueError: ``assist_not_held`` when that share has no held assist of that helper.
    """
    new = copy.deepcopy(state)
    share = new.share(number)
    held = next((a for a in share.assists if a.helper == helper and a.status == HELD), None) if share else None
    if share is None or held is None:
        raise ValueError("assist_not_held")
    held.status = ACCEPTED if approve else REJECTED
    return new, unlock(config, share) if approve else ()


def _new(helper: Helper, today: str, days: int) -> bool:
    return helper.joined is not None and (date.fromisoformat(today) - helper.joined).days <= days


def _device_helped(sharer_state: ShareState, device: str | None) -> bool:
    """Whether ``device`` assisted this sharer before (in any of their shares; rejected assists aside)."""
    return any(a.device == device and a.status != REJECTED for s in sharer_state.shares for a in s.assists)


def _between(helper: Helper, helper_state: ShareState, sharer: int, sharer_state: ShareState, today: str) -> int:
    """Today's assists between the two shoppers, both ways."""
    given = sum(h.sharer == sharer and h.day == today for h in helper_state.helped)
    received = sum(h.sharer == helper.user_id and h.day == today for h in sharer_state.helped)
    return given + received
