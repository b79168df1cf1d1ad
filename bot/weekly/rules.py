"""When the weekly account (公开上榜) is due, which week it is, and which days it covers.

The account goes out on Monday at 09:00 (MULIN_TZ) and covers the seven days before it. A bot
that was not running at 09:00 still sends that Monday's account once when it starts later the
same Monday; from Tuesday on the week's account is skipped (news of last week arriving
mid-week is stale: `/week` shows the last seven days on demand), and the next Monday sends its
own. The week is named by the ISO week of its Monday, so "once per group and week" is a key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.core.aware import require_aware

ACCOUNT_AT = time(9, 0)
MONDAY = 0  # date.weekday()
WEEK = timedelta(days=7)
SHOWN = 10  # items listed per section; the rest are counted ("and N more")

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    """[since, until): the span an account covers, as aware moments."""

    since: datetime
    until: datetime

    @classmethod
    def before(cls, until: datetime) -> Window:
        """The seven days up to `until` (a Monday 09:00, or the moment /week is asked)."""
        require_aware(until)
        return cls(until - WEEK, until)

    @classmethod
    def up_to(cls, now: datetime) -> Window:
        """The seven days up to `now` included (/week): times are stored to the second, so the
        window ends after `now`'s second, or a report made in it would be left out."""
        return cls.before(now.replace(microsecond=0) + timedelta(seconds=1))

    def last_day(self, tz: ZoneInfo) -> date:
        """The local day the window ends on: Monday for the Monday account, today for /week."""
        return (self.until - timedelta(seconds=1)).astimezone(tz).date()


def last_monday(now: datetime, tz: ZoneInfo) -> datetime:
    """The latest Monday 09:00 (local) at or before `now`."""
    require_aware(now)
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - MONDAY) % 7)
    moment = datetime.combine(day, ACCOUNT_AT, tzinfo=tz)
    return moment if moment <= now else datetime.combine(day - WEEK, ACCOUNT_AT, tzinfo=tz)


def next_monday(now: datetime, tz: ZoneInfo) -> datetime:
    """The first Monday 09:00 (local) after `now`: when the job next runs."""
    return datetime.combine(last_monday(now, tz).date() + WEEK, ACCOUNT_AT, tzinfo=tz)


def due_monday(now: datetime, tz: ZoneInfo) -> datetime | None:
    """The Monday 09:00 whose account is due at `now`: from 09:00 to the end of that Monday
    (local midnight); None on the other days and on Monday before 09:00."""
    monday = last_monday(now, tz)
    end = datetime.combine(monday.date() + timedelta(days=1), time(0, 0), tzinfo=tz)
    return monday if now < end else None


def week_key(monday: datetime | date) -> str:
    """The ISO week of the account's Monday: 2026-W49 (the key of "once per group and week")."""
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def broken(due: str | None, flagged: bool, on: date) -> bool:
    """A promise broken as of the local day `on`: from the day after its date (SPEC), whether
    or not that morning's follow-up, which runs at the same 09:00, has marked it yet."""
    return flagged or (due is not None and due < on.isoformat())


def first(lists: Iterable[list[T]], key: Callable[[T], Any], *, newest: bool) -> list[T]:
    """A community's section from its grids' sections: the SHOWN first of all of them, each
    list already in that order (oldest first, or `newest` first)."""
    return sorted(chain.from_iterable(lists), key=key, reverse=newest)[:SHOWN]
