"""The monthly meeting's tables: settings, subscriptions, reminders sent, minutes' decisions.

SQL only, over the caller's connection (the service owns the transaction). The agenda itself is
a question about issues: the issues feature answers it (bot.issues.service `agenda`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time

from bot.core.db import ts

DEFAULT_DAY = 15
DEFAULT_AT = time(19, 30)
DEFAULT_PLACE = "民情茶角"


@dataclass(frozen=True)
class MeetingSettings:
    day: int = DEFAULT_DAY
    at: time = DEFAULT_AT
    place: str = DEFAULT_PLACE


def _settings(row: tuple[int, str, str] | None) -> MeetingSettings:
    if row is None:
        return MeetingSettings()
    day, at, place = row
    hour, minute = (int(x) for x in at.split(":"))
    return MeetingSettings(day, time(hour, minute), place)


def settings(conn: sqlite3.Connection, community_id: int) -> MeetingSettings:
    return _settings(
        conn.execute(
            "SELECT day, at, place FROM meeting_settings WHERE community_id = ?", (community_id,)
        ).fetchone()
    )


def all_settings(conn: sqlite3.Connection) -> dict[int, MeetingSettings]:
    rows = conn.execute("SELECT community_id, day, at, place FROM meeting_settings").fetchall()
    return {cid: _settings((day, at, place)) for cid, day, at, place in rows}


def save_settings(
    conn: sqlite3.Connection, community_id: int, day: int, at: time, place: str
) -> None:
    conn.execute(
        "INSERT INTO meeting_settings (community_id, day, at, place) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (community_id) DO UPDATE SET day = excluded.day, at = excluded.at,"
        " place = excluded.place",
        (community_id, day, f"{at.hour:02d}:{at.minute:02d}", place),
    )


def save_subscription(conn: sqlite3.Connection, user_id: int, community_id: int, on: bool) -> None:
    conn.execute(
        "INSERT INTO meeting_subscriptions (user_id, community_id, subscribed)"
        " VALUES (?, ?, ?) ON CONFLICT (user_id, community_id)"
        " DO UPDATE SET subscribed = excluded.subscribed",
        (user_id, community_id, int(on)),
    )


def subscribers(conn: sqlite3.Connection, community_id: int, admins: Collection[int]) -> list[int]:
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


def mark_reminded(conn: sqlite3.Connection, community_id: int, month: str, now: datetime) -> bool:
    """True the first time for a community and month: the reminder is then queued, once."""
    inserted: int = conn.execute(
        "INSERT OR IGNORE INTO meeting_reminders (community_id, month, sent_at) VALUES (?, ?, ?)",
        (community_id, month, ts(now)),
    ).rowcount
    return inserted > 0


def decided(conn: sqlite3.Connection, community_id: int, month: str) -> list[int]:
    """The issues that month's meeting already decided."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT issue_id FROM meeting_decisions WHERE community_id = ? AND month = ?",
            (community_id, month),
        )
    ]


def save_decision(
    conn: sqlite3.Connection,
    community_id: int,
    month: str,
    issue_id: int,
    decision: str,
    by: int,
    now: datetime,
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO meeting_decisions (community_id, month, issue_id,"
        " decision, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
        (community_id, month, issue_id, decision, by, ts(now)),
    )
