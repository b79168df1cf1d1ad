"""The monthly meeting: settings, subscriptions, the agenda, reminders sent once, minutes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, time

from bot.core.db import Database, ts
from bot.delivery.outbox_store import OutboxItem, enqueue
from bot.issues.store import SUMMARY_COLUMNS, IssueSummary, summary_row

DEFAULT_DAY = 15
DEFAULT_AT = time(19, 30)
DEFAULT_PLACE = "民情茶角"


@dataclass(frozen=True)
class MeetingSettings:
    day: int = DEFAULT_DAY
    at: time = DEFAULT_AT
    place: str = DEFAULT_PLACE


# The agenda: every escalated issue and every open major issue, escalated first.
_AGENDA = (
    f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.community_id = ?"
    " AND (i.state = 'escalated' OR (i.state = 'open' AND i.priority = 'major'))"
)
_AGENDA_ORDER = " ORDER BY i.state = 'escalated' DESC, i.id"

ReminderCompose = Callable[[list[IssueSummary], list[int]], list[OutboxItem]]


def _settings(row: tuple[int, str, str] | None) -> MeetingSettings:
    if row is None:
        return MeetingSettings()
    day, at, place = row
    hour, minute = (int(x) for x in at.split(":"))
    return MeetingSettings(day, time(hour, minute), place)


def _subscribers(conn: sqlite3.Connection, community_id: int, admins: Collection[int]) -> list[int]:
    """Role holders unless they turned it off; anyone (superadmins too) who turned it on."""
    choices = dict(
        conn.execute(
            "SELECT user_id, subscribed FROM meeting_subscriptions WHERE community_id = ?",
            (community_id,),
        ).fetchall()
    )
    holders = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT user_id FROM roles WHERE community_id = ?", (community_id,)
        )
    }
    wanted = {u for u in holders if u not in admins and choices.get(u, 1)}
    wanted |= {u for u, on in choices.items() if on}
    return sorted(wanted)


class MeetingStore:
    def __init__(self, storage: Database) -> None:
        self._s = storage

    async def settings(self, community_id: int) -> MeetingSettings:
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT day, at, place FROM meeting_settings WHERE community_id = ?",
                (community_id,),
            ).fetchone()
        )
        return _settings(row)

    async def all_settings(self, community_ids: list[int]) -> dict[int, MeetingSettings]:
        rows = await self._s.run(
            lambda conn: conn.execute(
                "SELECT community_id, day, at, place FROM meeting_settings"
            ).fetchall()
        )
        found = {cid: _settings((day, at, place)) for cid, day, at, place in rows}
        return {cid: found.get(cid, MeetingSettings()) for cid in community_ids}

    async def set_settings(
        self, community_id: int, day: int, at: time, place: str, *, update_id: int | None = None
    ) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "INSERT INTO meeting_settings (community_id, day, at, place) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (community_id) DO UPDATE SET day = excluded.day, at = excluded.at,"
                " place = excluded.place",
                (community_id, day, f"{at.hour:02d}:{at.minute:02d}", place),
            ),
            update_id=update_id,
        )

    async def agenda(
        self, community_id: int, *, undecided_in: str | None = None
    ) -> list[IssueSummary]:
        """The agenda now; with a month, without the items that meeting already decided."""

        def read(conn: sqlite3.Connection) -> list[IssueSummary]:
            sql, params = _AGENDA, [community_id]
            if undecided_in is not None:
                sql += (
                    " AND i.id NOT IN (SELECT issue_id FROM meeting_decisions"
                    " WHERE community_id = ? AND month = ?)"
                )
                params += [community_id, undecided_in]  # type: ignore[list-item]
            return [summary_row(r) for r in conn.execute(sql + _AGENDA_ORDER, params).fetchall()]

        return await self._s.run(read)

    async def set_subscription(
        self, user_id: int, community_id: int, on: bool, *, update_id: int | None = None
    ) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "INSERT INTO meeting_subscriptions (user_id, community_id, subscribed)"
                " VALUES (?, ?, ?) ON CONFLICT (user_id, community_id)"
                " DO UPDATE SET subscribed = excluded.subscribed",
                (user_id, community_id, int(on)),
            ),
            update_id=update_id,
        )

    async def subscribers(self, community_id: int, admins: Collection[int]) -> list[int]:
        return await self._s.run(lambda conn: _subscribers(conn, community_id, admins))

    async def remind(
        self,
        community_id: int,
        month: str,
        now: datetime,
        compose: ReminderCompose,
        admins: Collection[int],
    ) -> bool:
        """Queue this month's reminder unless it was queued already: once, across restarts."""

        def body(conn: sqlite3.Connection) -> bool:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO meeting_reminders (community_id, month, sent_at)"
                " VALUES (?, ?, ?)",
                (community_id, month, ts(now)),
            ).rowcount
            if not inserted:
                return False
            agenda = [
                summary_row(r) for r in conn.execute(_AGENDA + _AGENDA_ORDER, (community_id,))
            ]
            enqueue(conn, compose(agenda, _subscribers(conn, community_id, admins)), now)
            return True

        sent: bool = await self._s.transaction(body)
        if sent:
            self._s.outbox_signal.set()
        return sent

    async def decided(self, community_id: int, month: str) -> int:
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM meeting_decisions WHERE community_id = ? AND month = ?",
                (community_id, month),
            ).fetchone()
        )
        return int(row[0])

    async def decide(
        self, community_id: int, month: str, issue_id: int, decision: str, by: int, now: datetime
    ) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO meeting_decisions (community_id, month, issue_id,"
                " decision, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                (community_id, month, issue_id, decision, by, ts(now)),
            )
        )
