"""The campaign form's budget rules (games/campaigns/form.py), without a database."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import ValidationError

from economy.limits import MAX_BUDGET_FEN
from games.campaigns.form import CampaignFormSchema, check_daily_budget

FORM = {
    "name": "双十一",
    "starts_at": "2026-11-24T00:00:00+08:00",
    "ends_at": "2026-12-24T00:00:00+08:00",
    "budget_fen": 100_000,
    "config": {},
}


def errors(**changes: Any) -> dict[str, Any]:
    """The form's field messages for FORM with ``changes`` (empty when it loads)."""
    try:
        CampaignFormSchema().load({**FORM, **changes})
    except ValidationError as error:
        return dict(error.messages)  # type: ignore[arg-type]
    return {}


@pytest.mark.parametrize("value", [1.5, 1.0, "100", True, -1, MAX_BUDGET_FEN + 1, 10**20, None])
def test_the_budget_is_a_strict_integer_in_range(value: Any) -> None:
    assert list(errors(budget_fen=value)) == ["budget_fen"]


@pytest.mark.parametrize("value", [0, 1.5, "100", False, MAX_BUDGET_FEN + 1])
def test_the_daily_budget_is_null_or_a_strict_integer_from_one(value: Any) -> None:
    assert list(errors(daily_budget_fen=value)) == ["daily_budget_fen"]


@pytest.mark.parametrize(("total", "daily"), [(0, None), (MAX_BUDGET_FEN, MAX_BUDGET_FEN), (100_000, 1), (5, 5)])
def test_budgets_within_range_load(total: int, daily: int | None) -> None:
    assert errors(budget_fen=total, daily_budget_fen=daily) == {}


def test_the_daily_budget_may_not_exceed_the_total() -> None:
    message = ["the daily budget may not exceed the total budget"]
    assert errors(budget_fen=100, daily_budget_fen=101) == {"daily_budget_fen": message}
    assert errors(budget_fen=0, daily_budget_fen=1) == {"daily_budget_fen": message}


def test_check_daily_budget_compares_only_what_is_given() -> None:
    check_daily_budget({"budget_fen": None, "daily_budget_fen": 10})
    check_daily_budget({"daily_budget_fen": 10})
    check_daily_budget({"budget_fen": 10, "daily_budget_fen": None})
    with pytest.raises(ValidationError) as raised:
        check_daily_budget({"budget_fen": 10, "daily_budget_fen": 11})
    assert raised.value.field_name == "daily_budget_fen"
