"""Public notices' SQL: the notices, the groups each was posted to, and one objection per person
and notice. SQL only, over the caller's connection (the service owns the transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.core.db import from_ts, ts
from bot.notices.rules import Notice, Objection

NOTICE = "id, community_id, text, days, created_by, created_at, closes_at, closed_at"
OBJECTION = "notice_id, user_id, text, created_at, updated_at"


def _notice(row: Any) -> Notice:
    created, closes = from_ts(row[5]), from_ts(row[6])
    assert created is not None and closes is not None
    return Notice(row[0], row[1], row[2], row[3], row[4], created, closes, from_ts(row[7]))


def _objection(row: Any) -> Objection:
    created, updated = from_ts(row[3]), from_ts(row[4])
    assert created is not None and updated is not None
    return Objection(row[0], row[1], row[2], created, updated)


def insert_notice(
    conn: sqlite3.Connection,
    community_id: int,
    text: str,
    days: int,
    created_by: int,
    now: datetime,
    closes: datetime,
) -> int:
    row = conn.execute(
        "INSERT INTO notices (community_id, text, days, created_by, created_at, closes_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (community_id, text, days, created_by, ts(now), ts(closes)),
    ).fetchone()
    return int(row[0])


def add_chats(conn: sqlite3.Connection, notice_id: int, chats: Iterable[int]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO notice_chats (notice_id, chat_id) VALUES (?, ?)",
        [(notice_id, c) for c in chats],
    )


def load(conn: sqlite3.Connection, notice_id: int) -> Notice | None:
    row = conn.execute(f"SELECT {NOTICE} FROM notices WHERE id = ?", (notice_id,)).fetchone()
    return _notice(row) if row else None


def chats_of(conn: sqlite3.Connection, notice_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT chat_id FROM notice_chats WHERE notice_id = ? ORDER BY chat_id", (notice_id,)
    )
    return [r[0] for r in rows]


def open_in(conn: sqlite3.Connection, community_id: int, now: datetime, limit: int) -> list[Notice]:
    """A community's notices still taking objections, the soonest to close first."""
    rows = conn.execute(
        f"SELECT {NOTICE} FROM notices WHERE community_id = ? AND closes_at > ?"
        " AND closed_at IS NULL ORDER BY closes_at, id LIMIT ?",
        (community_id, ts(now), limit),
    )
    return [_notice(r) for r in rows]


def due(conn: sqlite3.Connection, now: datetime) -> list[Notice]:
    """Notices whose window has ended and whose close is not queued yet (index notices_due)."""
    rows = conn.execute(
        f"SELECT {NOTICE} FROM notices WHERE closed_at IS NULL AND closes_at <= ?"
        " ORDER BY closes_at, id",
        (ts(now),),
    )
    return [_notice(r) for r in rows]


def mark_closed(conn: sqlite3.Connection, notice_id: int, now: datetime) -> bool:
    """Claim the close; False when it was already claimed (a second run, a restart)."""
    cursor = conn.execute(
        "UPDATE notices SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
        (ts(now), notice_id),
    )
    return cursor.rowcount == 1


def objection_of(conn: sqlite3.Connection, notice_id: int, user_id: int) -> Objection | None:
    row = conn.execute(
        f"SELECT {OBJECTION} FROM objections WHERE notice_id = ? AND user_id = ?",
        (notice_id, user_id),
    ).fetchone()
    return _objection(row) if row else None


def put_objection(
    conn: sqlite3.Connection, notice_id: int, user_id: int, text: str, now: datetime
) -> None:
    """One per person and notice: a second one replaces the first (its first time is kept)."""
    conn.execute(
        "INSERT INTO objections (notice_id, user_id, text, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (notice_id, user_id) DO UPDATE SET"
        " text = excluded.text, updated_at = excluded.updated_at",
        (notice_id, user_id, text, ts(now), ts(now)),
    )


def objections(conn: sqlite3.Connection, notice_id: int) -> list[Objection]:
    rows = conn.execute(
        f"SELECT {OBJECTION} FROM objections WHERE notice_id = ? ORDER BY created_at, user_id",
        (notice_id,),
    )
    return [_objection(r) for r in rows]


def count(conn: sqlite3.Connection, notice_id: int) -> int:
    row = conn.execute("SELECT count(*) FROM objections WHERE notice_id = ?", (notice_id,))
    return int(row.fetchone()[0])
