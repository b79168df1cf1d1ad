"""/stats: a community's figures for calendar months, all read in one transaction (one await).

A month is its local calendar month in MULIN_TZ; times are stored in UTC, so its bounds are
turned into UTC timestamps and compared as text (every stored time has the same ISO form).
What counts in a month:
- raised: issues created in it;
- resolved: issues closed in it (history action `close`), each once;
- escalated: issues escalated in it (`escalate`, `auto_escalate`), each once;
- rejected: issues rejected in it (`reject`, `dup`), each once;
- median days to resolve: over the issues resolved in it, from creation to their last close in it;
- sign-ups: sign-ups made in it for the community's activities and not cancelled, and the people
  in them (the sum of their parties).
By category and by grid: the same four counts, by the issue's category and grid now.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core.db import Database, ts

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
FIRST_YEAR = 2000

ESCALATIONS = ("escalate", "auto_escalate")
REJECTIONS = ("reject", "dup")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """`2026-03` (or `2026-3`); None when it is not a month."""
        found = _MONTH.fullmatch(text.strip())
        if found is None:
            return None
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12 or year < FIRST_YEAR:
            return None
        return cls(year, month)

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def start(self, tz: ZoneInfo) -> datetime:
        """Local midnight of its first day."""
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the month in local time."""
        return self.start(tz), self.next.start(tz)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class Counts:
    raised: int = 0
    resolved: int = 0
    escalated: int = 0
    rejected: int = 0

    @property
    def any(self) -> bool:
        return bool(self.raised or self.resolved or self.escalated or self.rejected)


@dataclass(frozen=True)
class MonthFigures:
    month: Month
    totals: Counts
    median_days: float | None  # None: nothing was resolved
    signups: int
    people: int
    by_category: dict[str, Counts] = field(default_factory=dict)
    by_grid: dict[int, Counts] = field(default_factory=dict)


KINDS: dict[str, str] = {  # history action → what it counts as
    "close": "resolved",
    **dict.fromkeys(ESCALATIONS, "escalated"),
    **dict.fromkeys(REJECTIONS, "rejected"),
}

# Three reads cover every month asked for: the rows of the whole span, sorted into months here.
_RAISED = (  # counted by the database: a month may hold thousands of issues
    "SELECT category, grid_id, count(*) FROM issues"
    " WHERE community_id = ? AND created_at >= ? AND created_at < ? GROUP BY category, grid_id"
)
_ACTIONS = (
    "SELECT h.at, h.action, i.id, i.category, i.grid_id, i.created_at FROM issue_history h"
    " JOIN issues i ON i.id = h.issue_id"
    " WHERE h.community_id = ? AND h.at >= ? AND h.at < ? AND h.action IN ({marks})"
    " ORDER BY h.at"
).format(marks=", ".join("?" * len(KINDS)))
_SIGNUPS = (
    "SELECT s.created_at, s.party FROM signups s JOIN activities a ON a.id = s.activity_id"
    " WHERE a.community_id = ? AND s.created_at >= ? AND s.created_at < ?"
    " AND s.status != 'cancelled'"
)


@dataclass(frozen=True)
class _Rows:
    raised: dict[Month, list[tuple[str, int, int]]]  # month → category, grid id, count
    actions: list[tuple[str, str, int, str, int, str]]  # at, action, issue, category, grid, created
    signups: list[tuple[str, int]]  # created at, party


def _days(created: str, resolved: str) -> float:
    span = datetime.fromisoformat(resolved) - datetime.fromisoformat(created)
    return span.total_seconds() / 86400


def _figures(rows: _Rows, month: Month, tz: ZoneInfo) -> MonthFigures:
    start, end = month.bounds(tz)
    lo, hi = ts(start), ts(end)
    # kind → issue → (category, grid, created at, its last such action in the month)
    acted: dict[str, dict[int, tuple[str, int, str, str]]] = defaultdict(dict)
    for at, action, issue_id, category, grid_id, created in rows.actions:
        if lo <= at < hi:
            acted[KINDS[action]][issue_id] = (category, grid_id, created, at)  # sorted by time
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_grid: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)

    def count(kind: str, category: str, grid_id: int) -> None:
        totals[kind] += 1
        by_category[category][kind] += 1
        by_grid[grid_id][kind] += 1

    for category, grid_id, n in rows.raised[month]:
        for _ in range(n):
            count("raised", category, grid_id)
    for kind in ("resolved", "escalated", "rejected"):
        for category, grid_id, _, _ in acted[kind].values():
            count(kind, category, grid_id)
    durations = [_days(created, at) for _, _, created, at in acted["resolved"].values()]
    parties = [party for created, party in rows.signups if lo <= created < hi]
    return MonthFigures(
        month=month,
        totals=Counts(**totals),
        median_days=median(durations) if durations else None,
        signups=len(parties),
        people=sum(parties),
        by_category={k: Counts(**v) for k, v in by_category.items()},
        by_grid={k: Counts(**v) for k, v in by_grid.items()},
    )


class StatsStore:
    def __init__(self, storage: Database) -> None:
        self._s = storage

    async def months(
        self, community_id: int, months: Sequence[Month], tz: ZoneInfo
    ) -> list[MonthFigures]:
        """The figures of each month (e.g. this one and the one before): three queries over the
        whole span in one read transaction (one await), so that the months agree with each other.
        """
        if not months:
            return []
        lo = ts(min(m.start(tz) for m in months))
        hi = ts(max(m.next.start(tz) for m in months))
        span = (community_id, lo, hi)

        async def read(conn: aiosqlite.Connection) -> _Rows:
            # One read transaction, so that the months agree with each other.
            await conn.execute("BEGIN")
            try:
                raised: dict[Month, list[Any]] = {
                    m: list(
                        await conn.execute_fetchall(
                            _RAISED, (community_id, ts(m.start(tz)), ts(m.next.start(tz)))
                        )
                    )
                    for m in months
                }
                actions: list[Any] = list(await conn.execute_fetchall(_ACTIONS, (*span, *KINDS)))
                signups: list[Any] = list(await conn.execute_fetchall(_SIGNUPS, span))
            finally:
                await conn.execute("COMMIT")
            return _Rows(raised, actions, signups)

        # A month of a busy community may take a while: read off the event loop.
        rows = await self._s.read_slow(read)
        return [_figures(rows, m, tz) for m in months]
