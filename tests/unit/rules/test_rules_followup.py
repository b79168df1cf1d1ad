"""SPEC's follow-up arithmetic: days are whole 24-hour spans, reached at the exact instant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.issues.rules.followup import (
    DEFAULT_ESCALATE_DAYS,
    DEFAULT_REMIND_DAYS,
    FIXED_BY_SILENCE_DAYS,
    fixed_by_silence,
    overdue_since,
    should_auto_escalate,
    validate_sla,
)

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=SHANGHAI)
TICK = timedelta(microseconds=1)

Check = Callable[[datetime, datetime, int], bool]
CHECKS: list[Check] = [overdue_since, should_auto_escalate, fixed_by_silence]


def test_defaults_are_spec() -> None:
    assert (DEFAULT_REMIND_DAYS, DEFAULT_ESCALATE_DAYS, FIXED_BY_SILENCE_DAYS) == (7, 14, 7)


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("days", [1, 7, 14, 90])
def test_exact_boundary(check: Check, days: int) -> None:
    due = T0 + timedelta(hours=24 * days)
    assert check(T0, due - TICK, days) is False
    assert check(T0, due, days) is True
    assert check(T0, due + TICK, days) is True


def test_overdue_and_escalate_at_spec_defaults() -> None:
    assert not overdue_since(T0, T0 + timedelta(days=6, hours=23, minutes=59), 7)
    assert overdue_since(T0, T0 + timedelta(days=7), 7)
    assert not should_auto_escalate(T0, T0 + timedelta(days=13, hours=23), 14)
    assert should_auto_escalate(T0, T0 + timedelta(days=14), 14)


def test_fixed_by_silence_default_is_seven_days() -> None:
    assert not fixed_by_silence(T0, T0 + timedelta(days=7) - TICK)
    assert fixed_by_silence(T0, T0 + timedelta(days=7))


def test_the_09_00_job_does_not_round_up_to_calendar_days() -> None:
    # Changed at 09:30 on the 1st: at 09:00 on the 8th it is 7 days minus 30 minutes old.
    at_nine = datetime(2025, 3, 8, 9, 0, tzinfo=SHANGHAI)
    assert not overdue_since(T0, at_nine, 7)
    assert overdue_since(T0, at_nine + timedelta(days=1), 7)


def test_offsets_do_not_matter() -> None:
    last = T0.astimezone(UTC)
    assert overdue_since(last, T0 + timedelta(days=7), 7)
    assert not overdue_since(last, (T0 + timedelta(days=7) - TICK).astimezone(UTC), 7)


def test_future_change_is_not_overdue() -> None:
    assert not overdue_since(T0 + timedelta(days=1), T0, 1)


@pytest.mark.parametrize("check", CHECKS)
def test_naive_datetimes_are_refused(check: Check) -> None:
    naive = T0.replace(tzinfo=None)
    with pytest.raises(ValueError):
        check(naive, T0, 7)
    with pytest.raises(ValueError):
        check(T0, naive, 7)


@pytest.mark.parametrize(
    ("remind", "escalate", "expected"),
    [
        (7, 14, None),
        (1, 2, None),
        (89, 90, None),
        (1, 90, None),
        (0, 14, "range"),
        (7, 91, "range"),
        (-1, 5, "range"),
        (91, 95, "range"),
        (0, 0, "range"),  # range wins over order
        (90, 91, "range"),
        (7, 7, "order"),
        (14, 7, "order"),
        (90, 1, "order"),
        (1, 1, "order"),
    ],
)
def test_validate_sla(remind: int, escalate: int, expected: str | None) -> None:
    assert validate_sla(remind, escalate) == expected


@given(st.integers(-10, 100), st.integers(-10, 100))
def test_validate_sla_property(remind: int, escalate: int) -> None:
    in_range = 1 <= remind <= 90 and 1 <= escalate <= 90
    expected = None if in_range and escalate > remind else ("order" if in_range else "range")
    assert validate_sla(remind, escalate) == expected
