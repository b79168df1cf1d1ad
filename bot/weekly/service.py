"""The weekly account's use cases: a grid's or a community's week on demand (/week), and the
Monday account queued for every registered group, once per group and week.

The Monday run is one transaction per community: each group's "sent" mark, its grid's reads and
its messages in the outbox commit together, so a crash or a restart neither loses nor repeats an
account; the outbox then sends them within each group's budget. A grid's reads are a few index
ranges (well under a millisecond at 100,000 issues), so they run on the loop connection, and the
loop gets a turn between communities.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from bot.core.audience import Audience
from bot.core.db import Database, utcnow
from bot.core.origin import Clock
from bot.core.records import ChatRecord
from bot.delivery.outbox_store import OutboxItem, enqueue
from bot.weekly import rules, store
from bot.weekly.notify import account_items
from bot.weekly.store import Account, Section, WeekItem

__all__ = ["Account", "Section", "WeekItem", "WeeklySent", "WeeklyService"]


@dataclass(frozen=True)
class WeeklySent:
    """What a Monday run queued: the week and the groups that got its account."""

    week: str
    chats: list[int]


def _merged(weeks: Sequence[Account], window: rules.Window) -> Account:
    """A community's account from its grids': the first SHOWN of each section, counts summed."""
    if len(weeks) == 1:
        return weeks[0]

    def merge(sections: list[Section], key: Key, *, newest: bool) -> Section:
        items = rules.first([s.items for s in sections], key, newest=newest)
        return Section(items, sum(s.total for s in sections))

    return Account(
        window,
        merge([w.resolved for w in weeks], _by_resolution, newest=True),
        merge([w.raised for w in weeks], _by_creation, newest=True),
        merge([w.still_open for w in weeks], _by_creation, newest=False),
        several=True,
    )


Key = Callable[[WeekItem], tuple[datetime, int]]


def _by_resolution(item: WeekItem) -> tuple[datetime, int]:
    return item.resolved_at or item.created_at, item.id


def _by_creation(item: WeekItem) -> tuple[datetime, int]:
    return item.created_at, item.id


class WeeklyService:
    def __init__(self, db: Database, people: Audience, tz: ZoneInfo, clock: Clock = utcnow) -> None:
        self._db = db
        self._people = people
        self._tz = tz
        self._clock = clock

    async def account(self, grid_ids: Sequence[int]) -> Account:
        """/week: the seven days up to now of a group's grid, or of a community's grids."""
        window = rules.Window.up_to(self._clock())
        weeks = await self._db.run(
            lambda conn: [store.grid_week(conn, g, window) for g in grid_ids]
        )
        if not weeks:
            return Account(window, Section([], 0), Section([], 0), Section([], 0))
        return _merged(weeks, window)

    async def send_due(self, now: datetime | None = None) -> WeeklySent | None:
        """Queue the Monday account for every group registered by Monday 09:00 that has not got
        this week's: from 09:00 to the end of that Monday (the start-up catch-up); None at
        other times. Returns the groups queued now (none when all had it: a restart, a second
        run)."""
        now = now or self._clock()
        monday = rules.due_monday(now, self._tz)
        if monday is None:
            return None
        week, window = rules.week_key(monday), rules.Window.before(monday)
        sent: list[int] = []
        for community in self._people.registry.communities():
            chats = sorted(self._people.registry.group_chats(community.id), key=lambda c: c.id)
            if not chats:
                continue
            queue = partial(self._queue, chats=chats, week=week, window=window, now=now)
            sent += await self._db.transaction(queue)
            await asyncio.sleep(0)  # a town of many communities: let updates in between
        if sent:
            self._db.outbox_signal.set()
        return WeeklySent(week, sent)

    def _queue(
        self,
        conn: sqlite3.Connection,
        *,
        chats: list[ChatRecord],
        week: str,
        window: rules.Window,
        now: datetime,
    ) -> list[int]:
        """Inside the community's transaction: claim each group's week, read its grid (once per
        grid), queue its account in the group's language."""
        weeks: dict[int, Account] = {}
        items: list[OutboxItem] = []
        claimed: list[int] = []
        monday = window.until  # the account's Monday 09:00
        for chat in chats:
            grid_id = chat.grid_id
            if grid_id is None or not store.claim(conn, week, chat.id, monday, now):
                continue
            if grid_id not in weeks:
                weeks[grid_id] = store.grid_week(conn, grid_id, window)
            place = self._people.grid_name(grid_id)
            items += account_items(self._people, chat.id, place, weeks[grid_id])
            claimed.append(chat.id)
        enqueue(conn, items, now)
        return claimed
