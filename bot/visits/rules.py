"""When a visit (接访进小区) is reminded, and how people write its time.

A visit is reminded twice: at 09:00 (MULIN_TZ) the day before, and an hour before it starts.
Each reminder is sent once; a missed one (the bot was down) goes out late, but only while it
still makes sense: the day-before reminder until the hour-before one is due, that one until the
visit starts. A reminder whose time had already passed when the visit was published is not
sent at all (the announcement itself just told everyone).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_BEFORE_AT = time(9, 0)
HOUR_BEFORE = timedelta(hours=1)
DAY, HOUR = "day", "hour"  # the two reminders
TITLE_LIMIT = 60
PLACE_LIMIT = 50
AGENDA_LIMIT = 10
HORIZON = timedelta(days=366)  # a visit is planned within a year
MINUTES_WINDOW = timedelta(days=30)  # /minutes offers a started visit this long

_FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2})[:：](\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})$")


def reminder_times(start: datetime, tz: ZoneInfo) -> dict[str, datetime]:
    """The day-before reminder (09:00 local, the day before) and the hour-before one."""
    local = start.astimezone(tz)
    eve = (local - timedelta(days=1)).date()
    day = datetime.combine(eve, DAY_BEFORE_AT, tzinfo=tz)
    return {DAY: day, HOUR: start - HOUR_BEFORE}


def due_reminders(
    start: datetime, published_at: datetime, now: datetime, tz: ZoneInfo
) -> list[str]:
    """The reminders whose window holds `now` and that were still ahead at publication."""
    times = reminder_times(start, tz)
    ends = {DAY: times[HOUR], HOUR: start}
    return [which for which, at in times.items() if published_at < at <= now < ends[which]]


def parse_when(text: str, tz: ZoneInfo) -> datetime | None:
    """`YYYY-MM-DD HH:MM` in MULIN_TZ, or None when it is not a real moment."""
    found = _FULL.match(text.strip())
    if found is None:
        return None
    year, month, day, hour, minute = (int(x) for x in found.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        return None


def parse_clock(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A bare `HH:MM`: today's, or tomorrow's once today's has passed (MULIN_TZ)."""
    found = _CLOCK.match(text.strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        return None
    today = now.astimezone(tz).date()
    at = datetime.combine(today, time(hour, minute), tzinfo=tz)
    if at <= now:
        at = datetime.combine(today + timedelta(days=1), time(hour, minute), tzinfo=tz)
    return at


def problem_with_start(start: datetime, now: datetime) -> str | None:
    """'past' or 'far' when a visit cannot start then."""
    if start <= now:
        return "past"
    if start - now > HORIZON:
        return "far"
    return None


def parse_number(word: str) -> int | None:
    """A visit's number as people write it: V3, v3, 3."""
    digits = word.strip().upper().lstrip("V")
    return int(digits) if digits.isdecimal() and 0 < len(digits) < 10 else None


def parse_issue_numbers(text: str) -> list[int] | None:
    """`#1 #2 3`: the issue numbers, in order and once each; None if a word is not one."""
    found: list[int] = []
    for word in text.replace(",", " ").replace("，", " ").split():
        digits = word.lstrip("#＃")
        if not digits.isdecimal() or not 0 < len(digits) < 10:
            return None
        if int(digits) not in found:
            found.append(int(digits))
    return found
