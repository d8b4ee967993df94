"""CSV reports of a campaign for the ops console: every grant, and totals per day.

Headers are in the console's language (``zh`` or ``en``); money is in yuan (``6.66``); times and days are
the campaign's time zone's, and the headers name it (``日期（北京时间）``, ``Day (Europe/Berlin)``). Each
report starts with a UTF-8 byte order mark so that Excel reads its Chinese as such.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from economy.models import Grant
from games.fairness.periods import local_day
from games.models import Campaign, ConfigVersion, DrawRecord

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")
BOM = "\ufeff"
BATCH = 1000  # grants read, and their draws and hosts' user ids looked up, at a time

#: Reads the host app's user id (``users.external_id``) of Carnival user ids; ids it does not know are left out.
HostUserIds = Callable[[Session, Collection[int]], Mapping[int, str]]
#: A draw record's place by its reference: (user id, period key, nonce).
DrawReference = tuple[int, str, int]

ZONE_NAMES: dict[str, dict[Lang, str]] = {"Asia/Shanghai": {"zh": "北京时间", "en": "Beijing time"}}
GRANT_HEADERS: dict[Lang, list[str]] = {
    "zh": [
        "发放编号",
        "发放时间（{zone}）",
        "日期（{zone}）",
        "抽奖链序号",
        "宿主 App 用户ID",
        "奖品键",
        "奖品名称",
        "奖励类型",
        "积分",
        "红包金额（元）",
        "成本（元）",
    ],
    "en": [
        "Grant",
        "Granted at ({zone})",
        "Day ({zone})",
        "Draw seq (chain)",
        "Host app user ID",
        "Prize key",
        "Prize name",
        "Reward kind",
        "Points",
        "Red packet (yuan)",
        "Cost (yuan)",
    ],
}
DAILY_HEADERS: dict[Lang, list[str]] = {
    "zh": ["日期（{zone}）", "抽奖次数", "参与人数", "兜底次数", "发放次数", "成本（元）"],
    "en": ["Day ({zone})", "Draws", "Players", "Fallbacks", "Grants", "Cost (yuan)"],
}
KIND_NAMES: dict[Lang, dict[str, str]] = {
    "zh": {"points": "积分", "coupon": "优惠券", "red_packet": "红包", "gift_card": "礼品卡", "nothing": "谢谢参与"},
    "en": {
        "points": "points",
        "coupon": "coupon",
        "red_packet": "red packet",
        "gift_card": "gift card",
        "nothing": "nothing",
    },
}


def zone_label(zone: str, lang: Lang) -> str:
    """How a report names ``zone``: "北京时间" / "Beijing time" for Asia/Shanghai, else the zone's name."""
    return ZONE_NAMES.get(zone, {}).get(lang, zone)


def headers(columns: Mapping[Lang, Sequence[str]], zone: str, lang: Lang) -> list[str]:
    """The header row of ``columns`` in ``lang``, times and days labelled with ``zone``."""
    label = zone_label(zone, lang)
    return [column.format(zone=label) for column in columns[lang]]


def yuan(fen: int) -> str:
    """Integer fen as yuan with two decimals: 666 -> "6.66", 100 -> "1.00" (exact: no float)."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """``moment`` on ``zone``'s wall clock, as Excel reads a date and time: "2026-11-23 12:00:00"."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def draw_reference(grant_key: str) -> DrawReference | None:
    """The draw a grant was made for, from its key (``draw:<campaign>:<user>:<period>:<nonce>:<n>``);
    ``None`` for a grant no draw made (or a key of another form)."""
    parts = grant_key.split(":")
    if len(parts) < 6 or parts[0] != "draw":
        return None
    user, nonce, period = parts[2], parts[-2], ":".join(parts[3:-2])
    if not (user.isdigit() and nonce.isdigit()):
        return None
    return int(user), period, int(nonce)


def rows_as_csv(header: list[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text chunks: a byte order mark and ``header``, then one chunk a row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


@dataclass(frozen=True)
class GrantLabels:
    """What a grant row shows besides the grant: its campaign's zone, names of prizes and kinds in the report's
    language, and, for the grants of one batch, their draws' seqs (by grant id) and hosts' user ids."""

    zone: ZoneInfo
    prizes: Mapping[str, str]
    kinds: Mapping[str, str]
    seqs: Mapping[int, int] = field(default_factory=dict)
    hosts: Mapping[int, str] = field(default_factory=dict)


def grant_row(grant: Grant, labels: GrantLabels) -> list[object]:
    """One grant as a report row (columns of :data:`GRANT_HEADERS`; blank where a column does not apply)."""
    return [
        grant.id,
        local_time(grant.created_at, labels.zone),
        grant.day,
        labels.seqs.get(grant.id, ""),
        labels.hosts.get(grant.user_id, ""),
        grant.prize_key,
        labels.prizes.get(grant.prize_key, grant.prize_key),
        labels.kinds.get(grant.reward_kind, grant.reward_kind),
        grant.amount if grant.reward_kind == "points" else "",
        yuan(grant.amount) if grant.reward_kind in ("red_packet", "gift_card") else "",
        yuan(grant.cost_fen),
    ]


def prize_names(session: Session, campaign_id: int, lang: Lang) -> dict[str, str]:
    """Every prize key the campaign ever published, with its name in ``lang`` (an English name where the prize
    has one, else its Chinese name) as its latest version has it."""
    names: dict[str, str] = {}
    versions = select(ConfigVersion.config_json).where(ConfigVersion.campaign_id == campaign_id)
    for config_json in session.scalars(versions.order_by(ConfigVersion.id)):
        for prize in json.loads(config_json)["pool"]["prizes"]:
            names[prize["key"]] = (lang == "en" and prize.get("name_en")) or prize["name"]
    return names


def draw_seqs(session: Session, campaign_id: int, grants: Iterable[Grant]) -> dict[int, int]:
    """The chain seq of the draw each grant was made for, by grant id (none for an unsealed draw)."""
    references = {g.id: ref for g in grants if (ref := draw_reference(g.key)) is not None}
    if not references:
        return {}
    place = tuple_(DrawRecord.user_id, DrawRecord.period_key, DrawRecord.nonce)
    query = select(DrawRecord.user_id, DrawRecord.period_key, DrawRecord.nonce, DrawRecord.seq).where(
        DrawRecord.campaign_id == campaign_id, place.in_(set(references.values()))
    )
    seqs = {(user, period, nonce): seq for user, period, nonce, seq in session.execute(query)}
    return {grant: seq for grant, ref in references.items() if (seq := seqs.get(ref)) is not None}


def grants_csv(session: Session, campaign: Campaign, lang: Lang, host_user_ids: HostUserIds) -> Iterator[str]:
    """Every grant of the campaign, oldest first, as CSV text chunks (columns of :data:`GRANT_HEADERS`)."""
    labels = GrantLabels(ZoneInfo(campaign.timezone), prize_names(session, campaign.id, lang), KIND_NAMES[lang])
    query = select(Grant).where(Grant.campaign_id == campaign.id).order_by(Grant.id).execution_options(yield_per=BATCH)

    def rows() -> Iterator[list[object]]:
        for batch in session.scalars(query).partitions():
            hosts = host_user_ids(session, {g.user_id for g in batch})
            batch_labels = replace(labels, seqs=draw_seqs(session, campaign.id, batch), hosts=hosts)
            yield from (grant_row(g, batch_labels) for g in batch)

    return rows_as_csv(headers(GRANT_HEADERS, campaign.timezone, lang), rows())


@dataclass
class DayTotals:
    """One day's totals of a campaign."""

    draws: int = 0
    players: set[int] = field(default_factory=set)
    fallbacks: int = 0
    grants: int = 0
    cost_fen: int = 0


def daily_rows(days: Mapping[str, DayTotals]) -> list[list[object]]:
    """Report rows of day totals (columns of :data:`DAILY_HEADERS`), oldest day first."""
    return [
        [day, totals.draws, len(totals.players), totals.fallbacks, totals.grants, yuan(totals.cost_fen)]
        for day, totals in sorted(days.items())
    ]


def daily_csv(session: Session, campaign: Campaign, lang: Lang) -> Iterator[str]:
    """Per day of the campaign's time zone: draws, distinct players, fallbacks, grants and their cost."""
    days: dict[str, DayTotals] = defaultdict(DayTotals)
    draws = select(DrawRecord.created_at, DrawRecord.user_id, DrawRecord.fallback_reason).where(
        DrawRecord.campaign_id == campaign.id
    )
    for created_at, user_id, reason in session.execute(draws):
        day = days[local_day(created_at, campaign.timezone)]
        day.draws += 1
        day.players.add(user_id)
        day.fallbacks += reason is not None
    for grant_day, cost in session.execute(select(Grant.day, Grant.cost_fen).where(Grant.campaign_id == campaign.id)):
        days[grant_day].grants += 1
        days[grant_day].cost_fen += cost
    return rows_as_csv(headers(DAILY_HEADERS, campaign.timezone, lang), daily_rows(days))
