"""The visits' tables: the visit, its grids and agenda, the reminders sent, who was told.

SQL only, over the caller's connection (the service owns the transaction).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.db import ts


@dataclass(frozen=True)
class Visit:
    id: int
    number: int | None  # None while a draft
    community_id: int
    kind: str  # visit | urgent
    state: str  # draft | published | cancelled
    title: str
    starts_at: datetime
    place: str
    created_by: int
    published_at: datetime | None
    grids: tuple[int, ...]
    items: tuple[int, ...]  # issue ids, in agenda order
    decided: tuple[int, ...] = ()  # the items /minutes already decided


@dataclass(frozen=True)
class NewVisit:
    community_id: int
    kind: str
    title: str
    starts_at: datetime
    place: str
    created_by: int
    grids: tuple[int, ...]
    items: tuple[int, ...]


_COLUMNS = (
    "id, number, community_id, kind, state, title, starts_at, place, created_by, published_at"
)


def _visit(conn: sqlite3.Connection, row: tuple[object, ...]) -> Visit:
    vid = int(row[0])  # type: ignore[call-overload]
    grids = tuple(
        r[0] for r in conn.execute("SELECT grid_id FROM visit_grids WHERE visit_id = ?", (vid,))
    )
    items = conn.execute(
        "SELECT issue_id, decision FROM visit_items WHERE visit_id = ? ORDER BY position", (vid,)
    ).fetchall()
    published = row[9]
    return Visit(
        vid,
        row[1],  # type: ignore[arg-type]
        row[2],  # type: ignore[arg-type]
        str(row[3]),
        str(row[4]),
        str(row[5]),
        datetime.fromisoformat(str(row[6])),
        str(row[7]),
        row[8],  # type: ignore[arg-type]
        datetime.fromisoformat(str(published)) if published is not None else None,
        grids,
        tuple(i for i, _ in items),
        tuple(i for i, d in items if d is not None),
    )


def insert(conn: sqlite3.Connection, new: NewVisit, now: datetime) -> int:
    row = conn.execute(
        "INSERT INTO visits (community_id, kind, state, title, starts_at, place, created_by,"
        " created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?) RETURNING id",
        (
            new.community_id,
            new.kind,
            new.title,
            ts(new.starts_at),
            new.place,
            new.created_by,
            ts(now),
        ),
    ).fetchone()
    vid = int(row[0])
    conn.executemany(
        "INSERT INTO visit_grids (visit_id, grid_id) VALUES (?, ?)", [(vid, g) for g in new.grids]
    )
    conn.executemany(
        "INSERT INTO visit_items (visit_id, issue_id, position) VALUES (?, ?, ?)",
        [(vid, issue, i) for i, issue in enumerate(new.items)],
    )
    return vid


def get(conn: sqlite3.Connection, visit_id: int) -> Visit | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM visits WHERE id = ?", (visit_id,)).fetchone()
    return _visit(conn, row) if row else None


def by_number(conn: sqlite3.Connection, number: int) -> Visit | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM visits WHERE number = ?", (number,)).fetchone()
    return _visit(conn, row) if row else None


def publish(conn: sqlite3.Connection, visit_id: int, now: datetime) -> int:
    """The visit's number (the next V), given once: the draft becomes published."""
    row = conn.execute(
        "UPDATE visits SET state = 'published', published_at = ?,"
        " number = (SELECT COALESCE(MAX(number), 0) + 1 FROM visits)"
        " WHERE id = ? AND state = 'draft' RETURNING number",
        (ts(now), visit_id),
    ).fetchone()
    return int(row[0])


def cancel(conn: sqlite3.Connection, visit_id: int, reason: str | None) -> None:
    conn.execute(
        "UPDATE visits SET state = 'cancelled', cancel_reason = ? WHERE id = ?",
        (reason, visit_id),
    )


def upcoming(conn: sqlite3.Connection, community_id: int, now: datetime) -> list[Visit]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM visits WHERE state = 'published' AND community_id = ?"
        " AND starts_at > ? ORDER BY starts_at LIMIT 20",
        (community_id, ts(now)),
    ).fetchall()
    return [_visit(conn, r) for r in rows]


def remindable(conn: sqlite3.Connection, now: datetime, ahead: datetime) -> list[Visit]:
    """Published visits not started at `now` that start before `ahead`."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM visits WHERE state = 'published' AND starts_at > ?"
        " AND starts_at <= ? ORDER BY starts_at",
        (ts(now), ts(ahead)),
    ).fetchall()
    return [_visit(conn, r) for r in rows]


def started(
    conn: sqlite3.Connection, community_ids: Sequence[int], now: datetime, since: datetime
) -> list[Visit]:
    """Published visits of these communities that started between `since` and `now`."""
    if not community_ids:
        return []
    marks = ",".join("?" * len(community_ids))
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM visits WHERE state = 'published' AND community_id IN ({marks})"
        " AND starts_at <= ? AND starts_at > ? ORDER BY starts_at DESC",
        (*community_ids, ts(now), ts(since)),
    ).fetchall()
    return [_visit(conn, r) for r in rows]


def mark_reminded(conn: sqlite3.Connection, visit_id: int, which: str, now: datetime) -> bool:
    """True the first time only: the reminder is then queued, once."""
    inserted: int = conn.execute(
        "INSERT OR IGNORE INTO visit_reminders (visit_id, which, sent_at) VALUES (?, ?, ?)",
        (visit_id, which, ts(now)),
    ).rowcount
    return inserted > 0


def add_told(conn: sqlite3.Connection, visit_id: int, chat_ids: Sequence[int]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO visit_told (visit_id, chat_id) VALUES (?, ?)",
        [(visit_id, c) for c in chat_ids],
    )


def told(conn: sqlite3.Connection, visit_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT chat_id FROM visit_told WHERE visit_id = ? ORDER BY chat_id", (visit_id,)
        )
    ]


def decide(
    conn: sqlite3.Connection, visit_id: int, issue_id: int, decision: str, by: int, now: datetime
) -> None:
    conn.execute(
        "UPDATE visit_items SET decision = ?, decided_by = ?, decided_at = ?"
        " WHERE visit_id = ? AND issue_id = ?",
        (decision, by, ts(now), visit_id, issue_id),
    )
