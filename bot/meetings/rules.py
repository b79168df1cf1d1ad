"""When the monthly residents' meeting (民情茶角) falls, and when its reminder goes out.

The meeting is on a day of the month at a local time; a day the month lacks (31 in April)
means the month's last day. The reminder goes out at 09:00 on the meeting day — or an hour
before the meeting if it starts that early — and a missed reminder may still go out until
the meeting starts.
"""

from __future__ import annotations

import calendar
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

REMINDER_AT = time(9, 0)
DAY_MIN, DAY_MAX = 1, 31


def meeting_start(year: int, month: int, day: int, at: time, tz: ZoneInfo) -> datetime:
    last = calendar.monthrange(year, month)[1]
    return datetime(year, month, min(day, last), at.hour, at.minute, tzinfo=tz)


def _month(moment: datetime, tz: ZoneInfo, offset: int) -> tuple[int, int]:
    local = moment.astimezone(tz)
    index = local.year * 12 + local.month - 1 + offset
    return index // 12, index % 12 + 1


def next_meeting(now: datetime, day: int, at: time, tz: ZoneInfo) -> datetime:
    """The first meeting that starts after `now`."""
    for offset in (0, 1):
        start = meeting_start(*_month(now, tz, offset), day, at, tz)
        if start > now:
            return start
    raise AssertionError("unreachable: next month's meeting is always after now")


def last_meeting(now: datetime, day: int, at: time, tz: ZoneInfo) -> datetime:
    """The latest meeting that has started at `now`."""
    for offset in (0, -1):
        start = meeting_start(*_month(now, tz, offset), day, at, tz)
        if start <= now:
            return start
    raise AssertionError("unreachable: last month's meeting always started before now")


def reminder_time(start: datetime) -> datetime:
    nine = start.replace(hour=REMINDER_AT.hour, minute=REMINDER_AT.minute)
    return nine if nine < start else start - timedelta(hours=1)


def due_reminder(now: datetime, day: int, at: time, tz: ZoneInfo) -> datetime | None:
    """This month's meeting start when its reminder is due now (sent late until it starts)."""
    start = meeting_start(*_month(now, tz, 0), day, at, tz)
    return start if reminder_time(start) <= now < start else None


def next_reminder(now: datetime, day: int, at: time, tz: ZoneInfo) -> datetime:
    """When to wake up for the reminder: now if one is due, else the next reminder time."""
    if due_reminder(now, day, at, tz) is not None:
        return now
    start = next_meeting(now, day, at, tz)
    when = reminder_time(start)
    if when <= now:  # this month's window has passed
        start = meeting_start(*_month(start, tz, 1), day, at, tz)
        when = reminder_time(start)
    return when


def month_key(start: datetime) -> str:
    return f"{start.year:04d}-{start.month:02d}"
