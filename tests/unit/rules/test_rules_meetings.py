"""The meeting date rule over years: month ends, leap years, time zones, reminder windows."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.meetings.rules import (
    due_reminder,
    last_meeting,
    meeting_start,
    month_key,
    next_meeting,
    next_reminder,
    reminder_time,
)

SH = ZoneInfo("Asia/Shanghai")
AT = time(19, 30)


@pytest.mark.parametrize(
    ("year", "month", "day", "expected_day"),
    [
        (2026, 4, 31, 30),
        (2026, 2, 31, 28),
        (2028, 2, 31, 29),  # leap year
        (2100, 2, 29, 28),  # not a leap year
        (2000, 2, 30, 29),  # a leap year
        (2026, 12, 31, 31),
        (2026, 11, 15, 15),
    ],
)
def test_a_day_the_month_lacks_is_its_last_day(
    year: int, month: int, day: int, expected_day: int
) -> None:
    assert meeting_start(year, month, day, AT, SH).day == expected_day


def test_next_and_last_meeting_around_the_15th() -> None:
    before = datetime(2026, 11, 15, 19, 29, tzinfo=SH)
    assert next_meeting(before, 15, AT, SH) == datetime(2026, 11, 15, 19, 30, tzinfo=SH)
    assert last_meeting(before, 15, AT, SH) == datetime(2026, 10, 15, 19, 30, tzinfo=SH)
    at_start = datetime(2026, 11, 15, 19, 30, tzinfo=SH)
    assert next_meeting(at_start, 15, AT, SH) == datetime(2026, 12, 15, 19, 30, tzinfo=SH)
    assert last_meeting(at_start, 15, AT, SH) == at_start
    december = datetime(2026, 12, 20, tzinfo=SH)
    assert next_meeting(december, 15, AT, SH) == datetime(2027, 1, 15, 19, 30, tzinfo=SH)


def test_time_zone_is_the_deployments() -> None:
    # 2026-11-15 12:00 UTC is 20:00 in Shanghai (meeting started) but 07:00 in New York
    moment = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
    assert last_meeting(moment, 15, AT, SH).day == 15
    ny = ZoneInfo("America/New_York")
    assert next_meeting(moment, 15, AT, ny) == datetime(2026, 11, 15, 19, 30, tzinfo=ny)


def test_reminder_window() -> None:
    start = datetime(2026, 11, 15, 19, 30, tzinfo=SH)
    assert reminder_time(start) == datetime(2026, 11, 15, 9, 0, tzinfo=SH)
    assert due_reminder(datetime(2026, 11, 15, 8, 59, tzinfo=SH), 15, AT, SH) is None
    assert due_reminder(datetime(2026, 11, 15, 9, 0, tzinfo=SH), 15, AT, SH) == start
    assert due_reminder(datetime(2026, 11, 15, 19, 29, tzinfo=SH), 15, AT, SH) == start  # late
    assert due_reminder(datetime(2026, 11, 15, 19, 30, tzinfo=SH), 15, AT, SH) is None
    early = datetime(2026, 11, 15, 8, 0, tzinfo=SH)
    assert reminder_time(early) == datetime(2026, 11, 15, 7, 0, tzinfo=SH)


def test_next_reminder() -> None:
    assert next_reminder(datetime(2026, 11, 2, tzinfo=SH), 15, AT, SH) == datetime(
        2026, 11, 15, 9, 0, tzinfo=SH
    )
    now = datetime(2026, 11, 15, 10, 0, tzinfo=SH)
    assert next_reminder(now, 15, AT, SH) == now  # due: go now
    assert next_reminder(datetime(2026, 11, 15, 20, 0, tzinfo=SH), 15, AT, SH) == datetime(
        2026, 12, 15, 9, 0, tzinfo=SH
    )
    assert next_reminder(datetime(2027, 1, 31, 20, 0, tzinfo=SH), 31, AT, SH) == datetime(
        2027, 2, 28, 9, 0, tzinfo=SH
    )
    assert month_key(datetime(2027, 2, 28, 19, 30, tzinfo=SH)) == "2027-02"


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 1)),
    st.integers(min_value=1, max_value=31),
)
def test_next_is_after_last_and_a_month_apart(naive: datetime, day: int) -> None:
    now = naive.replace(tzinfo=SH)
    nxt, last = next_meeting(now, day, AT, SH), last_meeting(now, day, AT, SH)
    assert last <= now < nxt
    assert timedelta(days=27) <= nxt - last <= timedelta(days=32)
    assert next_reminder(now, day, AT, SH) >= now
