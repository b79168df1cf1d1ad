"""/stats's use case: a community's figures for a month and the month before, read at once.

The clock and the time zone are the service's: "this month" is the local calendar month now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.core.db import Database, ts, utcnow
from bot.core.origin import Clock
from bot.stats import store
from bot.stats.rules import Counts, Month, MonthFigures, Ratings, figures, parse_month

__all__ = [
    "Counts",
    "Month",
    "MonthFigures",
    "MonthPair",
    "Ratings",
    "StatsService",
    "parse_month",
]


@dataclass(frozen=True)
class MonthPair:
    current: MonthFigures
    previous: MonthFigures


class StatsService:
    def __init__(self, db: Database, tz: ZoneInfo, clock: Clock = utcnow) -> None:
        self._db = db
        self._tz = tz
        self._clock = clock

    def this_month(self) -> Month:
        return Month.of(self._clock().astimezone(self._tz).date())

    async def months(self, community_id: int, months: Sequence[Month]) -> list[MonthFigures]:
        """The figures of each month: three queries over the whole span in one read
        transaction (one await), so that the months agree with each other."""
        if not months:
            return []
        tz = self._tz
        bounds = [(m, (ts(m.start(tz)), ts(m.next.start(tz)))) for m in months]
        span = (min(lo for _, (lo, _) in bounds), max(hi for _, (_, hi) in bounds))
        # A month of a busy community may take a while: read off the event loop.
        rows = await self._db.read_slow(lambda conn: store.read(conn, community_id, bounds, span))
        return [figures(rows, m, lo, hi) for m, (lo, hi) in bounds]

    async def compare(self, community_id: int, month: Month) -> MonthPair:
        """A month and the month before it, as /stats shows them."""
        current, previous = await self.months(community_id, [month, month.previous])
        return MonthPair(current, previous)
