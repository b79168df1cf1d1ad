"""Public notices' pure rules: the window's days, how a notice's number is written, when the
window is open, and how a notice is named where its whole text would be too much."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.notices.rules import Notice, closes_at, excerpt, parse_days, parse_number

POSTED = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("word", "days"),
    [("1", 1), ("5", 5), ("30", 30), ("5天", 5), ("7d", 7), ("５", 5), ("0", None),
     ("31", None), ("-3", None), ("五", None), ("", None), ("1000000", None), ("5.5", None)],
)  # fmt: skip
def test_days(word: str, days: int | None) -> None:
    assert parse_days(word) == days


@pytest.mark.parametrize(
    ("word", "number"),
    [("G3", 3), ("g3", 3), ("#G3", 3), ("3", 3), ("Ｇ12", 12), ("G", None), ("G0x", None),
     ("", None), (None, None), ("V3", None), ("G1234567890", None)],
)  # fmt: skip
def test_numbers(word: str | None, number: int | None) -> None:
    assert parse_number(word) == number


def notice(closed: datetime | None = None) -> Notice:
    return Notice(1, 1, "名单公示", 5, 7, POSTED, closes_at(POSTED, 5), closed)


def test_the_window_is_days_of_24_hours_and_ends_at_its_last_second() -> None:
    n = notice()
    assert n.closes_at == POSTED + timedelta(hours=120)
    assert n.is_open(n.closes_at - timedelta(seconds=1))
    assert not n.is_open(n.closes_at)
    assert not notice(closed=POSTED + timedelta(hours=1)).is_open(POSTED + timedelta(hours=2))
    assert n.label == "G1"


def test_an_excerpt_is_the_first_line_cut() -> None:
    assert excerpt("业委会筹备组名单公示\n许惠莲、朱炳兴") == "业委会筹备组名单公示"
    assert excerpt("公" * 50) == "公" * 39 + "…"
