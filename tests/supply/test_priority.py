from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation

from supply.priority import Inputs, compute, describe_part, describe_part_kept, explain

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI)


def inputs(**overrides) -> Inputs:
    values = {
        "risk_level": "low",
        "priority_guarantee": False,
        "days_of_stock": 30,
        "urgency": "normal",
        "needed_by": date(2026, 3, 31),
        "submitted_at": NOW,
    }
    values.update(overrides)
    return Inputs(**values)


def test_a_request_with_nothing_pressing_scores_zero_and_says_so():
    score, parts = compute(inputs(), now=NOW)
    assert score == 0
    assert parts == []
    with translation.override("en"):
        assert explain(parts) == "no priority factors"


def test_wuhan_priority_fab_scores_every_part_and_explains_it():
    score, parts = compute(
        inputs(
            risk_level="high",
            priority_guarantee=True,
            days_of_stock=2,
            urgency="critical",
            needed_by=date(2026, 2, 11),
            submitted_at=NOW - timedelta(days=3),
        ),
        now=NOW,
    )
    assert score == 40 + 25 + 20 + 20 + 10 + 3
    with translation.override("en"):
        assert explain(parts) == (
            "high-risk area +40, priority guarantee +25, 2 days of stock +20, critical urgency +20, "
            "needed within 1 day +10, waited 3 days +3"
        )
    with translation.override("zh-hans"):
        assert "+40" in explain(parts)


@pytest.mark.parametrize(("level", "points"), [("high", 40), ("medium", 20), ("low", 0)])
def test_risk_level_orders_high_above_medium_above_low(level, points):
    assert compute(inputs(risk_level=level), now=NOW)[0] == points


@pytest.mark.parametrize(("days", "points"), [(0, 30), (1, 30), (3, 20), (7, 10), (14, 5), (15, 0)])
def test_fewer_days_of_stock_score_higher(days, points):
    assert compute(inputs(days_of_stock=days), now=NOW)[0] == points


def test_waiting_time_is_capped():
    score, _ = compute(inputs(submitted_at=NOW - timedelta(days=40)), now=NOW)
    assert score == 10


def test_overdue_need_counts_as_most_pressing_date():
    score, parts = compute(inputs(needed_by=date(2026, 2, 5)), now=NOW)
    assert score == 10
    with translation.override("en"):
        assert explain(parts) == "needed 5 days ago +10"


@override_settings(
    SUPPLY_PRIORITY_WEIGHTS={
        "risk": {"high": 100, "medium": 1, "low": 0},
        "priority_guarantee": 0,
        "days_of_stock": [],
        "urgency": {},
        "needed_by": [],
        "waiting_per_day": 0,
        "waiting_max": 0,
    }
)
def test_weights_come_from_settings():
    assert compute(inputs(risk_level="high", priority_guarantee=True), now=NOW)[0] == 100


def test_the_kept_words_of_a_part_follow_the_language_and_the_values_type():

    stock = {"factor": "stock", "value": 1, "points": 30}
    with translation.override("en"):
        english = describe_part_kept(stock)
        assert english == describe_part(stock) == "1 day of stock +30"
        assert describe_part_kept({**stock, "value": 2}) == "2 days of stock +30"
    with translation.override("zh-hans"):
        chinese = describe_part_kept(stock)  # the same part, kept in English above: described anew in Chinese
        assert chinese == describe_part(stock) and chinese != english
    with translation.override("en"):
        assert describe_part_kept({"factor": "risk", "value": True, "points": 40}) == "True +40"
        assert describe_part_kept({"factor": "risk", "value": 1, "points": 40}) == "1 +40"  # equal to True, not alike
        unhashable = {"factor": "stock", "value": 3, "points": 10, "extra": [1]}
        assert describe_part_kept(unhashable) == "3 days of stock +10"
