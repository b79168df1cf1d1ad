""" "Fixed?" answered by everyone affected (SPEC "Follow-through"): one answer per person and
resolution, which they may change while the issue stays resolved; the reporter's answer also
settles the question the 7-day silence rule waits on."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.db import ts
from bot.issues.store.writes import add_history

ANSWERS = ("fixed", "partly", "not_fixed")


def rate(
    conn: sqlite3.Connection,
    issue_id: int,
    user_id: int,
    answer: str,
    resolved_at: datetime,
    now: datetime,
) -> str | None:
    """Record the answer; returns the one it replaces for this resolution (None: the first)."""
    row = conn.execute(
        "SELECT answer FROM issue_ratings WHERE issue_id = ? AND user_id = ? AND resolved_at = ?",
        (issue_id, user_id, ts(resolved_at)),
    ).fetchone()
    conn.execute(
        "INSERT INTO issue_ratings (issue_id, user_id, answer, resolved_at, at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (issue_id, user_id) DO UPDATE SET"
        " answer = excluded.answer, resolved_at = excluded.resolved_at, at = excluded.at",
        (issue_id, user_id, answer, ts(resolved_at), ts(now)),
    )
    return str(row[0]) if row is not None else None


def settle(
    conn: sqlite3.Connection, issue_id: int, user_id: int, answer: str, now: datetime
) -> None:
    """The reporter's 👍 or 🤏: the question is answered (no "fixed by silence" any more); the
    first answer is a history line."""
    first = conn.execute(
        "UPDATE issues SET fixed_state = ? WHERE id = ? AND fixed_state = 'asked'",
        (answer, issue_id),
    ).rowcount
    if first:
        add_history(conn, issue_id, now, user_id, "confirmed" if answer == "fixed" else "partly")
    else:
        conn.execute("UPDATE issues SET fixed_state = ? WHERE id = ?", (answer, issue_id))
