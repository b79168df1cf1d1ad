"""The registry's rows in SQL: a user upserted, a community and a grid read or created by name.
Run inside the registry's transactions (bot/core/registry.py), which keep the caches."""

from __future__ import annotations

import sqlite3

from bot.core.records import Community, Grid, UserRecord


def upsert_user(conn: sqlite3.Connection, user: UserRecord, now: str) -> None:
    conn.execute(
        "INSERT INTO users (id, first_name, last_name, username, language_code,"
        " started, blocked, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (id) DO UPDATE SET first_name=excluded.first_name,"
        " last_name=excluded.last_name, username=excluded.username,"
        " language_code=excluded.language_code, started=excluded.started,"
        " blocked=excluded.blocked, last_seen=excluded.last_seen",
        (
            user.id,
            user.first_name,
            user.last_name,
            user.username,
            user.language_code,
            int(user.started),
            int(user.blocked),
            now,
            now,
        ),
    )


def community_row(conn: sqlite3.Connection, name: str, now: str) -> tuple[Community, bool]:
    """The community of this name, created when new; and whether it is new."""
    row = conn.execute("SELECT id, name FROM communities WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return Community(row[0], row[1]), False
    made = conn.execute(
        "INSERT INTO communities (name, created_at) VALUES (?, ?) RETURNING id, name", (name, now)
    ).fetchone()
    return Community(made[0], made[1]), True


def grid_row(conn: sqlite3.Connection, community_id: int, name: str, now: str) -> tuple[Grid, bool]:
    row = conn.execute(
        "SELECT id, name FROM grids WHERE community_id = ? AND name = ?", (community_id, name)
    ).fetchone()
    if row is not None:
        return Grid(row[0], community_id, row[1]), False
    made = conn.execute(
        "INSERT INTO grids (community_id, name, created_at) VALUES (?, ?, ?) RETURNING id, name",
        (community_id, name, now),
    ).fetchone()
    return Grid(made[0], community_id, made[1]), True
