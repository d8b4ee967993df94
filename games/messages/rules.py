"""The rules of sending campaign messages, in plain Python: when a send may happen (the message's window in the
shopper's local time, outside quiet hours), which A/B variant a member gets (a stable split by hash, no
randomness), how long a failed delivery waits before its next try, and the template variables of a message."""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

TEMPLATE_VARIABLES = ("name", "points", "expiring_points")
"""What a message's title and body may say in braces: ``{name}``, ``{points}``, ``{expiring_points}``."""
RETRY_FIRST = timedelta(seconds=30)
RETRY_MOST = timedelta(minutes=10)
ATTRIBUTION = timedelta(days=7)
"""How long after a delivery was sent a play or an order counts for it in the funnel (its ``attributed_until``)."""
GIVE_UP_AFTER = timedelta(hours=6)
"""A delivery still failing this long after its first try goes to the dead-letter list."""
SEARCH_STEP = timedelta(minutes=1)
SPAN = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class DailyHours:
    """A span of local clock time each day, ``start`` included, ``end`` excluded; it may cross midnight
    (22:00-08:00). Equal ends: the whole day."""

    start: time
    end: time

    def holds(self, moment: time) -> bool:
        """Whether the local time ``moment`` falls in the span."""
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    @classmethod
    def parse(cls, text: str) -> DailyHours:
        """``"19:00-21:00"``. :raises ValueError: for anything else."""
        if not SPAN.fullmatch(text.strip()):
            raise ValueError(f"not HH:MM-HH:MM: {text[:40]!r}")
        start, end = text.strip().split("-")
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class SendPolicy:
    """What holds for every campaign's messages: at most ``daily_cap`` a shopper a local day, none in
    ``quiet_hours`` (``None``: no quiet hours)."""

    daily_cap: int = 2
    quiet_hours: DailyHours | None = DailyHours(time(22), time(8))


def may_send(now: datetime, window: DailyHours, policy: SendPolicy, timezone: str) -> bool:
    """Whether a batch may go out at ``now`` (aware): inside the message's window and outside quiet hours, in
    ``timezone``'s clock."""
    local = now.astimezone(ZoneInfo(timezone)).time()
    return window.holds(local) and not (policy.quiet_hours is not None and policy.quiet_hours.holds(local))


def window_opens(window: DailyHours, quiet_hours: DailyHours | None) -> bool:
    """Whether some minute of the day lies in ``window`` and outside ``quiet_hours`` (a window wholly inside
    them would never open)."""
    minutes = (time(minute // 60, minute % 60) for minute in range(24 * 60))
    return any(window.holds(moment) and not (quiet_hours and quiet_hours.holds(moment)) for moment in minutes)


def next_send_time(after: datetime, window: DailyHours, policy: SendPolicy, timezone: str) -> datetime | None:
    """The first minute at or after ``after`` when a batch may go out (within two days), or ``None`` when the
    window lies wholly in quiet hours."""
    moment = after
    for _ in range(2 * 24 * 60):
        if may_send(moment, window, policy, timezone):
            return moment
        moment = (moment + SEARCH_STEP).replace(second=0, microsecond=0)
    return None


def local_day(now: datetime, timezone: str) -> str:
    """``now``'s date in ``timezone``, ISO (the frequency cap's day)."""
    return now.astimezone(ZoneInfo(timezone)).date().isoformat()


def variant_for(message_id: int, external_id: str, shares: list[tuple[str, int]]) -> str:
    """The A/B variant of a member: shares are integer weights; the same member always gets the same variant of
    a message, and over many members each variant's part is its share."""
    total = sum(share for _, share in shares)
    digest = hashlib.sha256(f"{message_id}:{external_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % total
    for key, share in shares:
        if bucket < share:
            return key
        bucket -= share
    raise AssertionError("unreachable: the buckets cover the total")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try (1, 2, ...): 30 s doubling up to 10 minutes."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MOST)


def gives_up(first_try: datetime, now: datetime) -> bool:
    """Whether a delivery failing since ``first_try`` goes to the dead-letter list at ``now``."""
    return now - first_try >= GIVE_UP_AFTER


def check_template(text: str) -> None:
    """:raises ValueError: naming an unknown variable, or for a malformed template (a lone brace)."""
    parts = list(string.Formatter().parse(text))
    if any(name is not None and (spec or conversion) for _, name, spec, conversion in parts):
        raise ValueError("write a variable as its name in braces, without a format")
    unknown = {name for _, name, _, _ in parts if name is not None} - set(TEMPLATE_VARIABLES)
    if unknown:
        raise ValueError(f"unknown variable {sorted(unknown)[0]!r}: use name, points or expiring_points")


def render(text: str, values: dict[str, object]) -> str:
    """``text`` with its variables filled in (a checked template)."""
    return text.format_map({name: values.get(name, "") for name in TEMPLATE_VARIABLES})
