"""Activities and sign-ups in SQL: plain functions of a connection, run by the service inside its
one transaction per use case (BEGIN IMMEDIATE: the seat check and the write are atomic, so
seats are never oversold). No rule is decided here and no message composed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.activities.rules.model import Activity, NewActivity, Signup
from bot.activities.rules.seats import Seat, Status
from bot.core.db import from_ts, ts

_COLUMNS = (
    "id, community_id, title, description, starts_at, ends_at, place, capacity, max_party,"
    " deadline, state, created_by, cancel_reason"
)
_SIGNUP_COLUMNS = "id, activity_id, user_id, party, status, created_at"

# -- reading ---------------------------------------------------------------------------------


def load_activity(conn: sqlite3.Connection, activity_id: int) -> Activity | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM activities WHERE id = ?", (activity_id,)).fetchone()
    if row is None:
        return None
    return _activity(conn, row)


def _activity(conn: sqlite3.Connection, row: tuple[Any, ...]) -> Activity:
    aid, community_id, title, description, starts, ends, place = row[:7]
    capacity, max_party, deadline, state, created_by, cancel_reason = row[7:]
    grids = tuple(
        r[0]
        for r in conn.execute(
            "SELECT grid_id FROM activity_grids WHERE activity_id = ? ORDER BY grid_id", (aid,)
        )
    )
    counts = dict(
        conn.execute(
            "SELECT status, coalesce(sum(party), 0) FROM signups WHERE activity_id = ?"
            " AND status != 'cancelled' GROUP BY status",
            (aid,),
        ).fetchall()
    )
    return Activity(
        aid,
        community_id,
        title,
        description,
        datetime.fromisoformat(starts),
        from_ts(ends),
        place,
        capacity,
        max_party,
        datetime.fromisoformat(deadline),
        state,
        created_by,
        grids,
        int(counts.get("confirmed", 0)),
        int(counts.get("waitlisted", 0)),
        cancel_reason,
    )


def seats(conn: sqlite3.Connection, activity_id: int) -> list[Seat]:
    """The active sign-ups in waitlist order, as the seat rules count them."""
    return [
        Seat(sid, party, Status(status))
        for sid, party, status in conn.execute(
            "SELECT id, party, status FROM signups WHERE activity_id = ? AND status != 'cancelled'"
            " ORDER BY id",
            (activity_id,),
        )
    ]


def signups(conn: sqlite3.Connection, activity_id: int) -> list[Signup]:
    """The active sign-ups in order, each waitlisted one with its place on the waitlist."""
    rows = conn.execute(
        f"SELECT {_SIGNUP_COLUMNS} FROM signups"
        " WHERE activity_id = ? AND status != 'cancelled' ORDER BY id",
        (activity_id,),
    ).fetchall()
    position = 0
    found = []
    for sid, aid, uid, party, status, created in rows:
        if status == "waitlisted":
            position += 1
        waiting = position if status == "waitlisted" else None
        found.append(Signup(sid, aid, uid, party, status, datetime.fromisoformat(created), waiting))
    return found


def signup(conn: sqlite3.Connection, signup_id: int) -> Signup:
    """One sign-up with its waitlist position, without reading the others."""
    sid, aid, uid, party, status, created = conn.execute(
        f"SELECT {_SIGNUP_COLUMNS} FROM signups WHERE id = ?", (signup_id,)
    ).fetchone()
    position = None
    if status == "waitlisted":
        (position,) = conn.execute(
            "SELECT count(*) FROM signups WHERE activity_id = ? AND status = 'waitlisted'"
            " AND id <= ?",
            (aid, sid),
        ).fetchone()
    return Signup(sid, aid, uid, party, status, datetime.fromisoformat(created), position)


def active_signup(conn: sqlite3.Connection, activity_id: int, user_id: int) -> Seat | None:
    """The user's sign-up for the activity, unless cancelled."""
    row = conn.execute(
        "SELECT id, party, status FROM signups WHERE activity_id = ? AND user_id = ?"
        " AND status != 'cancelled'",
        (activity_id, user_id),
    ).fetchone()
    return Seat(row[0], row[1], Status(row[2])) if row else None


def card_chats(conn: sqlite3.Connection, activity_id: int) -> tuple[int, ...]:
    """The groups showing (or about to show) the activity's card."""
    return tuple(
        r[0]
        for r in conn.execute(
            "SELECT chat_id FROM activity_cards WHERE activity_id = ? ORDER BY chat_id",
            (activity_id,),
        )
    )


def upcoming(
    conn: sqlite3.Connection, now: datetime, community_ids: list[int] | None, limit: int
) -> list[Activity]:
    """Published activities not yet started, soonest first."""
    sql = f"SELECT {_COLUMNS} FROM activities WHERE state = 'published' AND starts_at > ?"
    params: list[Any] = [ts(now)]
    if community_ids is not None:
        sql += f" AND community_id IN ({','.join('?' * len(community_ids))})"
        params += community_ids
    sql += " ORDER BY starts_at LIMIT ?"
    params.append(limit)
    return [_activity(conn, row) for row in conn.execute(sql, params).fetchall()]


def of_user(conn: sqlite3.Connection, user_id: int, now: datetime) -> list[tuple[Activity, Signup]]:
    """The user's sign-ups for activities still to come."""
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT s.activity_id FROM signups s JOIN activities a"
            " ON a.id = s.activity_id WHERE s.user_id = ? AND s.status != 'cancelled'"
            " AND a.state = 'published' AND a.starts_at > ? ORDER BY a.starts_at",
            (user_id, ts(now)),
        )
    ]
    found = []
    for aid in ids:
        activity = load_activity(conn, aid)
        mine = next(s for s in signups(conn, aid) if s.user_id == user_id)
        if activity is not None:
            found.append((activity, mine))
    return found


def due_reminders(conn: sqlite3.Connection, now: datetime, before: timedelta) -> list[int]:
    """Published activities starting within `before` whose reminder has not gone out."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM activities WHERE state = 'published' AND reminded = 0"
            " AND starts_at > ? AND starts_at <= ?",
            (ts(now), ts(now + before)),
        )
    ]


def over(conn: sqlite3.Connection, now: datetime) -> list[int]:
    """Published activities that have ended (or started, when no end was given)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM activities WHERE state = 'published'"
            " AND coalesce(ends_at, starts_at) <= ?",
            (ts(now),),
        )
    ]


# -- writing ---------------------------------------------------------------------------------


def insert_activity(conn: sqlite3.Connection, new: NewActivity, now: datetime) -> int:
    (aid,) = conn.execute(
        "INSERT INTO activities (community_id, title, description, starts_at, ends_at,"
        " place, capacity, max_party, deadline, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            new.community_id,
            new.title,
            new.description,
            ts(new.starts_at),
            ts(new.ends_at) if new.ends_at else None,
            new.place,
            new.capacity,
            new.max_party,
            ts(new.deadline or new.starts_at),
            new.created_by,
            ts(now),
        ),
    ).fetchone()
    set_grids(conn, aid, new.grid_ids)
    return int(aid)


def set_grids(conn: sqlite3.Connection, activity_id: int, grid_ids: Iterable[int]) -> None:
    conn.execute("DELETE FROM activity_grids WHERE activity_id = ?", (activity_id,))
    conn.executemany(
        "INSERT INTO activity_grids (activity_id, grid_id) VALUES (?, ?)",
        [(activity_id, g) for g in grid_ids],
    )


def mark_published(
    conn: sqlite3.Connection, activity_id: int, chats: Iterable[int], now: datetime
) -> None:
    """Published, with a card due in each chat (each chat exactly once)."""
    conn.execute(
        "UPDATE activities SET state = 'published', published_at = ? WHERE id = ?",
        (ts(now), activity_id),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO activity_cards (activity_id, chat_id) VALUES (?, ?)",
        [(activity_id, c) for c in chats],
    )


def mark_cancelled(conn: sqlite3.Connection, activity_id: int, reason: str | None) -> None:
    conn.execute(
        "UPDATE activities SET state = 'cancelled', cancel_reason = ? WHERE id = ?",
        (reason, activity_id),
    )


def mark_reminded(conn: sqlite3.Connection, activity_id: int) -> None:
    conn.execute("UPDATE activities SET reminded = 1 WHERE id = ?", (activity_id,))


def mark_finished(conn: sqlite3.Connection, activity_id: int) -> None:
    conn.execute("UPDATE activities SET state = 'finished' WHERE id = ?", (activity_id,))


def insert_signup(
    conn: sqlite3.Connection,
    activity_id: int,
    user_id: int,
    party: int,
    status: Status,
    now: datetime,
) -> int:
    moment = ts(now)
    (sid,) = conn.execute(
        "INSERT INTO signups (activity_id, user_id, party, status, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (activity_id, user_id, party, status.value, moment, moment),
    ).fetchone()
    return int(sid)


def set_party(conn: sqlite3.Connection, signup_id: int, party: int, now: datetime) -> None:
    conn.execute(
        "UPDATE signups SET party = ?, updated_at = ? WHERE id = ?", (party, ts(now), signup_id)
    )


def confirm(conn: sqlite3.Connection, signup_ids: Iterable[int], now: datetime) -> None:
    conn.executemany(
        "UPDATE signups SET status = 'confirmed', updated_at = ? WHERE id = ?",
        [(ts(now), i) for i in signup_ids],
    )


def withdraw(conn: sqlite3.Connection, signup_id: int, now: datetime) -> None:
    conn.execute(
        "UPDATE signups SET status = 'cancelled', updated_at = ? WHERE id = ?",
        (ts(now), signup_id),
    )
