"""The CSV reports' rows and headers: yuan, the campaign's time zone, both languages, valid CSV for Excel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from economy.models import Grant
from games.insight.reports import (
    DAILY_HEADERS,
    GRANT_HEADERS,
    KIND_NAMES,
    DayTotals,
    GrantLabels,
    daily_rows,
    draw_reference,
    grant_row,
    headers,
    rows_as_csv,
    yuan,
)

NOON_SHANGHAI = datetime(2026, 11, 23, 4, 0, 5, tzinfo=UTC)


def a_grant(kind: str, amount: int, cost_fen: int, key: str = "draw:3:41:20261123-0:7:1") -> Grant:
    return Grant(
        id=9,
        key=key,
        campaign_id=3,
        user_id=41,
        prize_key=f"{kind}_prize",
        reward_kind=kind,
        amount=amount,
        cost_fen=cost_fen,
        day="2026-11-23",
        created_at=NOON_SHANGHAI,
    )


LABELS = GrantLabels(
    ZoneInfo("Asia/Shanghai"),
    {"red_packet_prize": "6.66元红包"},
    KIND_NAMES["zh"],
    seqs={9: 1234},
    hosts={41: "u-100041"},
)


@pytest.mark.parametrize(("fen", "text"), [(666, "6.66"), (100, "1.00"), (5, "0.05"), (0, "0.00"), (-1250, "-12.50")])
def test_fen_are_shown_as_yuan(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_headers_are_in_the_consoles_language_and_name_the_campaigns_time_zone() -> None:
    assert headers(DAILY_HEADERS, "Asia/Shanghai", "zh")[0] == "日期（北京时间）"
    assert headers(DAILY_HEADERS, "Asia/Shanghai", "en")[0] == "Day (Beijing time)"
    assert headers(GRANT_HEADERS, "Europe/Berlin", "zh")[1:3] == ["发放时间（Europe/Berlin）", "日期（Europe/Berlin）"]
    assert len(GRANT_HEADERS["zh"]) == len(GRANT_HEADERS["en"]) and len(DAILY_HEADERS["zh"]) == len(DAILY_HEADERS["en"])


def test_a_red_packet_row_shows_yuan_the_prize_name_the_draw_and_the_host_user() -> None:
    row = grant_row(a_grant("red_packet", 666, 666), LABELS)
    assert row == [
        9,
        "2026-11-23 12:00:05",
        "2026-11-23",
        1234,
        "u-100041",
        "red_packet_prize",
        "6.66元红包",
        "红包",
        "",
        "6.66",
        "6.66",
    ]
    assert len(row) == len(GRANT_HEADERS["zh"])


def test_points_are_counted_in_points_and_a_coupon_in_neither_column() -> None:
    points = grant_row(a_grant("points", 20, 20), LABELS)
    coupon = grant_row(a_grant("coupon", 0, 300, key="task:3:41:x"), LABELS)
    assert points[5:] == ["points_prize", "points_prize", "积分", 20, "", "0.20"]
    assert coupon[7:] == ["优惠券", "", "", "3.00"]


def test_a_grant_of_an_unsealed_draw_or_of_no_draw_leaves_the_seq_blank() -> None:
    unsealed = GrantLabels(ZoneInfo("Europe/Berlin"), {}, KIND_NAMES["en"])
    row = grant_row(a_grant("points", 20, 20), unsealed)
    assert row[1:5] == ["2026-11-23 05:00:05", "2026-11-23", "", ""] and row[7] == "points"


@pytest.mark.parametrize(
    ("key", "reference"),
    [
        ("draw:3:41:20261123-0:7:1", (41, "20261123-0", 7)),
        ("draw:3:41:2026:odd:12:2", (41, "2026:odd", 12)),
        ("checkin:3:41:2026-11-23", None),
        ("draw:3:x:20261123-0:7:1", None),
        ("draw:3:41:7:1", None),
    ],
)
def test_a_grant_key_names_its_draw(key: str, reference: tuple[int, str, int] | None) -> None:
    assert draw_reference(key) == reference


def test_daily_rows_are_oldest_first_with_distinct_players_and_cost_in_yuan() -> None:
    days = {
        "2026-11-24": DayTotals(draws=2, players={1}, grants=1, cost_fen=20),
        "2026-11-23": DayTotals(draws=3, players={1, 2}, fallbacks=1, grants=2, cost_fen=686),
    }
    assert daily_rows(days) == [["2026-11-23", 3, 2, 1, 2, "6.86"], ["2026-11-24", 2, 1, 0, 1, "0.20"]]


def test_the_csv_starts_with_a_byte_order_mark_and_quotes_what_it_must() -> None:
    text = "".join(rows_as_csv(["奖品名称", "成本（元）"], [['红包, "大"', "6.66"], ["20积分", "0.20"]]))
    assert text.startswith("\ufeff奖品名称,")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["奖品名称", "成本（元）"],
        ['红包, "大"', "6.66"],
        ["20积分", "0.20"],
    ]
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
