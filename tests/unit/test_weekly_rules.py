"""The weekly account's calendar (bot/weekly/rules.py): which Monday's account is due when, until
when a late start still sends it, the week's key and the seven days it covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.weekly.rules import (
    SHOWN,
    Window,
    broken,
    due_monday,
    first,
    last_monday,
    next_monday,
    week_key,
)

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=SH)  # a Monday, ISO week 2026-W49


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local moment in the week starting Monday 30 November 2026 (day 0 = that Monday)."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=SH) + timedelta(days=day)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (at(0, 9), MONDAY),  # the job's moment
        (at(0, 15, 30), MONDAY),  # a start later on Monday catches up
        (at(0, 23, 59), MONDAY),
        (at(0, 8, 59), None),  # before 09:00: last week's Monday, long past its day
        (at(1, 0), None),  # Tuesday: too late, the next Monday sends its own
        (at(4, 9), None),
        (at(6, 23, 59), None),
        (at(7, 9), MONDAY + timedelta(days=7)),
    ],
)
def test_the_account_is_due_from_monday_nine_to_the_end_of_monday(
    now: datetime, due: datetime | None
) -> None:
    assert due_monday(now, SH) == due
    assert due_monday(now.astimezone(UTC), SH) == due  # the job's clock is UTC


def test_last_and_next_monday() -> None:
    assert last_monday(at(0, 9), SH) == MONDAY
    assert last_monday(at(0, 8, 59), SH) == MONDAY - timedelta(days=7)
    assert last_monday(at(3, 12), SH) == MONDAY
    assert next_monday(at(0, 9), SH) == MONDAY + timedelta(days=7)
    assert next_monday(at(0, 8, 59), SH) == MONDAY
    assert next_monday(at(6, 23), SH) == MONDAY + timedelta(days=7)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_mondays_surround_any_moment(naive: datetime) -> None:
    now = naive.replace(tzinfo=UTC)
    last, following = last_monday(now, SH), next_monday(now, SH)
    assert last <= now < following
    assert following - last == timedelta(days=7)
    local = last.astimezone(SH)
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)


def test_the_week_key_is_the_iso_week_of_the_monday() -> None:
    assert week_key(MONDAY) == "2026-W49"
    assert week_key(date(2026, 12, 28)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert week_key(date(2027, 1, 4)) == "2027-W01"


def test_the_window_is_the_seven_days_before() -> None:
    window = Window.before(MONDAY)
    assert window.until == MONDAY
    assert window.since == datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def test_on_demand_the_window_takes_in_the_current_second() -> None:
    now = datetime(2026, 12, 2, 15, 30, 12, 500_000, tzinfo=UTC)
    window = Window.up_to(now)
    assert window.until == datetime(2026, 12, 2, 15, 30, 13, tzinfo=UTC)
    assert window.until - window.since == timedelta(days=7)
    assert window.last_day(UTC) == date(2026, 12, 2)
    late = Window.up_to(datetime(2026, 12, 2, 23, 59, 59, 900_000, tzinfo=SH))
    assert late.last_day(SH) == date(2026, 12, 2)  # not the next day, a second before midnight
    assert Window.before(MONDAY).last_day(SH) == MONDAY.date()


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError):
        due_monday(datetime(2026, 11, 30, 9, 0), SH)
    with pytest.raises(ValueError):
        Window.before(datetime(2026, 11, 30, 9, 0))


def test_a_promise_is_broken_from_the_day_after_its_date() -> None:
    monday = date(2026, 11, 30)
    assert not broken("2026-11-30", False, monday)  # due today: still kept
    assert broken("2026-11-29", False, monday)  # the follow-up of 09:00 may not have run yet
    assert broken("2026-11-29", True, monday)
    assert not broken(None, False, monday)


def test_a_community_lists_the_first_of_all_its_grids() -> None:
    grids = [[1, 4, 9, 12], [2, 3, 15], list(range(20, 40))]
    assert first(grids, lambda n: n, newest=False) == [1, 2, 3, 4, 9, 12, 15, 20, 21, 22]
    assert first(grids, lambda n: n, newest=True)[:3] == [39, 38, 37]
    assert len(first(grids, lambda n: n, newest=True)) == SHOWN
