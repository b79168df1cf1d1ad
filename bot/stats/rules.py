"""What /stats counts in a month, from the rows the store read (pure: no clock, no database).

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
- "Fixed?": the answers given in it (👍 fixed, 🤏 partly, 👎 not fixed; each person's latest per
  issue), by the issue's grid and by the body that answers for it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
FIRST_YEAR = 2000

ESCALATIONS = ("escalate", "auto_escalate")
REJECTIONS = ("reject", "dup")
KINDS: dict[str, str] = {  # history action → what it counts as
    "close": "resolved",
    **dict.fromkeys(ESCALATIONS, "escalated"),
    **dict.fromkeys(REJECTIONS, "rejected"),
}


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


def parse_month(words: list[str], today: Month) -> Month | None:
    """The month asked for (`today` without an argument), or None when the words are not one."""
    if not words:
        return today
    return Month.parse(words[0]) if len(words) == 1 else None


@dataclass(frozen=True, slots=True)
class Counts:
    raised: int = 0
    resolved: int = 0
    escalated: int = 0
    rejected: int = 0

    @property
    def any(self) -> bool:
        return bool(self.raised or self.resolved or self.escalated or self.rejected)


@dataclass(frozen=True, slots=True)
class Ratings:
    fixed: int = 0
    partly: int = 0
    not_fixed: int = 0

    @property
    def total(self) -> int:
        return self.fixed + self.partly + self.not_fixed

    @property
    def share(self) -> float:
        """The share of 👍 among the answers, 0..1 (0 with no answers)."""
        return self.fixed / self.total if self.total else 0.0


@dataclass(frozen=True)
class MonthFigures:
    month: Month
    totals: Counts
    median_days: float | None  # None: nothing was resolved
    signups: int
    people: int
    by_category: dict[str, Counts] = field(default_factory=dict)
    by_grid: dict[int, Counts] = field(default_factory=dict)
    ratings_by_grid: dict[int, Ratings] = field(default_factory=dict)
    ratings_by_body: dict[str, Ratings] = field(default_factory=dict)


@dataclass(frozen=True)
class Rows:
    """What the store read for a span of months."""

    raised: dict[Month, list[tuple[str, int, int]]]  # month → category, grid id, count
    actions: list[tuple[str, str, int, str, int, str]]  # at, action, issue, category, grid, created
    signups: list[tuple[str, int]]  # created at, party
    ratings: dict[Month, list[tuple[int, str, str, int]]] = field(default_factory=dict)
    # month → grid id, body ('' for none), answer, count


def _days(created: str, resolved: str) -> float:
    span = datetime.fromisoformat(resolved) - datetime.fromisoformat(created)
    return span.total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def figures(rows: Rows, month: Month, lo: str, hi: str) -> MonthFigures:
    """The month's figures; `lo` and `hi` are its bounds as stored timestamps ([lo, hi))."""
    # kind → issue → (category, grid, created at, its last such action in the month)
    acted: dict[str, dict[int, tuple[str, int, str, str]]] = defaultdict(dict)
    for at, action, issue_id, category, grid_id, created in rows.actions:
        if lo <= at < hi:
            acted[KINDS[action]][issue_id] = (category, grid_id, created, at)  # sorted by time
    by_category: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_grid: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)

    def count(kind: str, category: str, grid_id: int, n: int = 1) -> None:
        totals[kind] += n
        by_category[category][kind] += n
        by_grid[grid_id][kind] += n

    for category, grid_id, n in rows.raised[month]:
        count("raised", category, grid_id, n)
    for kind in ("resolved", "escalated", "rejected"):
        for category, grid_id, _, _ in acted[kind].values():
            count(kind, category, grid_id)
    durations = [_days(created, at) for _, _, created, at in acted["resolved"].values()]
    parties = [party for created, party in rows.signups if lo <= created < hi]
    by_grid_rated, by_body_rated = _ratings(rows.ratings.get(month, []))
    return MonthFigures(
        month=month,
        totals=Counts(**totals),
        median_days=_median(durations),
        signups=len(parties),
        people=sum(parties),
        by_category={k: Counts(**v) for k, v in by_category.items()},
        by_grid={k: Counts(**v) for k, v in by_grid.items()},
        ratings_by_grid=by_grid_rated,
        ratings_by_body=by_body_rated,
    )


def _ratings(
    rows: list[tuple[int, str, str, int]],
) -> tuple[dict[int, Ratings], dict[str, Ratings]]:
    grids: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    bodies: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for grid_id, body, answer, n in rows:
        grids[grid_id][answer] += n
        if body:
            bodies[body][answer] += n
    return (
        {k: Ratings(**v) for k, v in grids.items()},
        {k: Ratings(**v) for k, v in bodies.items()},
    )
