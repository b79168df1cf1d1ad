"""The monthly meeting's use cases: settings, subscriptions, the reminder (once per community and
month), and the minutes, whose decisions are the issues feature's changes.

Each use case is one transaction (one await); the agenda is read inside it through the issues
feature's service, so a reminder's agenda and its "sent" mark are one commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.audience import Audience
from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.delivery.outbox_store import enqueue
from bot.issues.service import (
    Change,
    Issue,
    IssueService,
    IssueSummary,
    agenda,
    load_issue,
)
from bot.meetings import rules, store
from bot.meetings.notify import reminder_items
from bot.meetings.store import MeetingSettings

__all__ = [
    "MeetingService",
    "MeetingSettings",
    "MinutesDone",
    "MinutesItem",
    "Upcoming",
]


@dataclass(frozen=True)
class Upcoming:
    """/meeting: a community's next meeting and its agenda as it stands."""

    community_id: int
    start: datetime
    place: str
    agenda: list[IssueSummary]
    now: datetime  # the service's "now", for the agenda's ages


@dataclass(frozen=True)
class MinutesItem:
    """The next undecided item of the last meeting: `position` of `total`."""

    held: datetime
    item: IssueSummary
    issue: Issue
    position: int
    total: int


@dataclass(frozen=True)
class MinutesDone:
    held: datetime


class MeetingService:
    def __init__(
        self,
        db: Database,
        people: Audience,
        issues: IssueService,
        tz: ZoneInfo,
        admins: frozenset[int],
        clock: Clock = utcnow,
    ) -> None:
        self._db = db
        self._people = people
        self._issues = issues
        self._tz = tz
        self._admins = admins
        self._clock = clock

    async def settings(self, community_id: int) -> MeetingSettings:
        return await self._db.run(lambda conn: store.settings(conn, community_id))

    async def all_settings(self, community_ids: Sequence[int]) -> dict[int, MeetingSettings]:
        found = await self._db.run(store.all_settings)
        return {cid: found.get(cid, MeetingSettings()) for cid in community_ids}

    async def set_settings(
        self, origin: Origin, community_id: int, day: int, at: time, place: str
    ) -> datetime:
        """Save when and where; returns the next meeting under the new settings."""
        await self._db.transaction(
            lambda conn: store.save_settings(conn, community_id, day, at, place),
            update_id=origin.update_id,
        )
        return rules.next_meeting(self._clock(), day, at, self._tz)

    async def upcoming(self, community_id: int) -> Upcoming:
        now = self._clock()

        def read(conn: sqlite3.Connection) -> Upcoming:
            found = store.settings(conn, community_id)
            start = rules.next_meeting(now, found.day, found.at, self._tz)
            return Upcoming(community_id, start, found.place, agenda(conn, community_id), now)

        return await self._db.run(read)

    async def set_subscription(self, origin: Origin, community_id: int, on: bool) -> None:
        await self._db.transaction(
            lambda conn: store.save_subscription(conn, origin.user_id, community_id, on),
            update_id=origin.update_id,
        )

    async def subscribers(self, community_id: int) -> list[int]:
        return await self._db.run(lambda conn: store.subscribers(conn, community_id, self._admins))

    async def remind(self, community_id: int, now: datetime | None = None) -> bool:
        """The meeting-day reminder, if it is due and was not queued yet: once, across restarts."""
        now = now or self._clock()
        found = await self.settings(community_id)
        start = rules.due_reminder(now, found.day, found.at, self._tz)
        if start is None:
            return False

        def body(conn: sqlite3.Connection) -> bool:
            if not store.mark_reminded(conn, community_id, rules.month_key(start), now):
                return False
            items = reminder_items(
                self._people,
                community_id,
                start,
                found.place,
                agenda(conn, community_id),
                store.subscribers(conn, community_id, self._admins),
                now,
            )
            enqueue(conn, items, now)
            return True

        sent = await self._db.transaction(body)
        if sent:
            self._db.outbox_signal.set()
        return sent

    # -- the minutes ---------------------------------------------------------------------------

    def last_meeting(self, found: MeetingSettings) -> datetime:
        return rules.last_meeting(self._clock(), found.day, found.at, self._tz)

    async def next_item(self, community_id: int) -> MinutesItem | MinutesDone:
        """The first item of the last meeting's agenda that is not decided yet."""

        def read(conn: sqlite3.Connection) -> MinutesItem | MinutesDone:
            held = self.last_meeting(store.settings(conn, community_id))
            done = store.decided(conn, community_id, rules.month_key(held))
            remaining = agenda(conn, community_id, excluding=done)
            if not remaining:
                return MinutesDone(held)
            issue = load_issue(conn, remaining[0].id)
            assert issue is not None  # it is on the agenda, read in this same transaction
            total = len(done) + len(remaining)
            return MinutesItem(held, remaining[0], issue, len(done) + 1, total)

        return await self._db.run(read)

    async def record(self, origin: Origin, community_id: int, issue_id: int, what: str) -> None:
        """The meeting's decision on an item, so the walk does not ask it again."""
        now = self._clock()

        def write(conn: sqlite3.Connection) -> None:
            month = rules.month_key(self.last_meeting(store.settings(conn, community_id)))
            store.save_decision(conn, community_id, month, issue_id, what, origin.user_id, now)

        await self._db.transaction(write)

    async def keep(self, origin: Origin, community_id: int, issue_id: int, note: str) -> Change:
        """ "Keep for next month": posted as a progress note, recorded as decided."""
        result = await self._issues.add_note(origin, issue_id, note)
        await self.record(origin, community_id, issue_id, "keep")
        return result
