""" "Many voices make a big matter" (SPEC "Follow-through"): the community's follower threshold,
and turning a minor issue major when its followers reach it — once per issue."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.db import ts
from bot.issues.store.records import HistoryEntry
from bot.issues.store.writes import add_history

DEFAULT_THRESHOLD = 10
THRESHOLD_RANGE = (2, 1000)


def threshold(conn: sqlite3.Connection, community_id: int) -> int:
    row = conn.execute(
        "SELECT follow_threshold FROM community_settings WHERE community_id = ?", (community_id,)
    ).fetchone()
    return int(row[0]) if row else DEFAULT_THRESHOLD


def set_threshold(conn: sqlite3.Connection, community_id: int, followers: int) -> None:
    conn.execute(
        "INSERT INTO community_settings (community_id, follow_threshold) VALUES (?, ?)"
        " ON CONFLICT (community_id) DO UPDATE SET follow_threshold = excluded.follow_threshold",
        (community_id, followers),
    )


def make_major(
    conn: sqlite3.Connection, issue_id: int, followers: int, now: datetime
) -> HistoryEntry | None:
    """The minor issue becomes major, the history saying why; None when it is not minor any
    more or it happened before (a moderator who lowered it again has the last word)."""
    before = conn.execute(
        "SELECT 1 FROM issue_history WHERE issue_id = ? AND action = 'many_voices'", (issue_id,)
    ).fetchone()
    if before is not None:
        return None
    changed = conn.execute(
        "UPDATE issues SET priority = 'major', updated_at = ? WHERE id = ? AND priority = 'minor'",
        (ts(now), issue_id),
    ).rowcount
    if not changed:
        return None
    return add_history(conn, issue_id, now, None, "many_voices", note=str(followers))
