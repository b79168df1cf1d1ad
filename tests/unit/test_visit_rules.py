"""The visits' time rules: when the two reminders are due (once each, late only while they still
make sense), and how a time is read (a bare HH:MM is today's, or tomorrow's once it passed)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.visits import rules
from bot.visits.rules import DAY, HOUR, due_reminders, parse_clock, parse_when, reminder_times

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 20, 15, 0, tzinfo=SH)
PUBLISHED = datetime(2026, 12, 10, 10, 0, tzinfo=SH)


def test_the_reminders_fall_at_nine_the_day_before_and_an_hour_before() -> None:
    times = reminder_times(START, SH)
    assert times[DAY] == datetime(2026, 12, 19, 9, 0, tzinfo=SH)
    assert times[HOUR] == datetime(2026, 12, 20, 14, 0, tzinfo=SH)
    # the day before is the local day before, also for a visit just after midnight
    early = datetime(2027, 1, 1, 0, 30, tzinfo=SH)
    assert reminder_times(early, SH)[DAY] == datetime(2026, 12, 31, 9, 0, tzinfo=SH)
    # a time given in UTC is read in MULIN_TZ
    utc = START.astimezone(ZoneInfo("UTC"))
    assert reminder_times(utc, SH)[DAY] == datetime(2026, 12, 19, 9, 0, tzinfo=SH)


def test_each_reminder_is_due_in_its_window_only() -> None:
    def due(now: datetime) -> list[str]:
        return due_reminders(START, PUBLISHED, now, SH)

    assert due(datetime(2026, 12, 19, 8, 59, tzinfo=SH)) == []
    assert due(datetime(2026, 12, 19, 9, 0, tzinfo=SH)) == [DAY]
    assert due(datetime(2026, 12, 20, 13, 59, tzinfo=SH)) == [DAY]  # late, still sensible
    assert due(datetime(2026, 12, 20, 14, 0, tzinfo=SH)) == [HOUR]  # the day's is stale now
    assert due(datetime(2026, 12, 20, 14, 59, tzinfo=SH)) == [HOUR]
    assert due(START) == []  # started: nothing any more
    assert due(START + timedelta(hours=1)) == []


def test_a_reminder_already_past_at_publication_is_never_sent() -> None:
    late = datetime(2026, 12, 19, 15, 0, tzinfo=SH)  # published after the day-before time
    assert due_reminders(START, late, datetime(2026, 12, 19, 15, 1, tzinfo=SH), SH) == []
    assert due_reminders(START, late, datetime(2026, 12, 20, 14, 0, tzinfo=SH), SH) == [HOUR]
    soon = START - timedelta(minutes=30)  # an urgent meeting in half an hour: no reminder
    assert due_reminders(START, soon, START - timedelta(minutes=1), SH) == []


def test_a_bare_clock_is_today_or_tomorrow() -> None:
    now = datetime(2026, 12, 6, 8, 5, tzinfo=SH)
    assert parse_clock("19:30", now, SH) == datetime(2026, 12, 6, 19, 30, tzinfo=SH)
    assert parse_clock("08:05", now, SH) == datetime(2026, 12, 7, 8, 5, tzinfo=SH)  # now: passed
    assert parse_clock("8:06", now, SH) == datetime(2026, 12, 6, 8, 6, tzinfo=SH)
    at_midnight = datetime(2026, 12, 31, 23, 59, tzinfo=SH)
    assert parse_clock("00:30", at_midnight, SH) == datetime(2027, 1, 1, 0, 30, tzinfo=SH)
    assert parse_clock("19：30", now, SH) == datetime(2026, 12, 6, 19, 30, tzinfo=SH)
    for bad in ("24:00", "19:60", "1930", "晚上", ""):
        assert parse_clock(bad, now, SH) is None, bad


def test_full_times_numbers_and_limits() -> None:
    assert parse_when("2026-12-20 15:00", SH) == START
    assert parse_when("2026-2-30 15:00", SH) is None
    assert parse_when("2026-12-20", SH) is None
    assert rules.parse_number("V12") == 12 and rules.parse_number("v3") == 3
    assert rules.parse_number("X1") is None
    assert rules.parse_issue_numbers("#1 #2, 3 #1") == [1, 2, 3]
    assert rules.parse_issue_numbers("#1 电梯") is None
    now = datetime(2026, 12, 6, 8, 0, tzinfo=SH)
    assert rules.problem_with_start(now, now) == "past"
    assert rules.problem_with_start(now + timedelta(days=400), now) == "far"
    assert rules.problem_with_start(START, now) is None
