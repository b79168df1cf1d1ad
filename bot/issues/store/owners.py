"""Owners and promised dates (SPEC "Follow-through"): a community's bodies, who answers for an
issue and by when, and the 09:00 follow-up's broken promises. Run inside the caller's
transaction; nothing here decides who may, or who is told."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.db import ts
from bot.issues.rules.promises import Promise
from bot.issues.store.records import SUMMARY_COLUMNS, Issue, IssueSummary, reload, summary_row
from bot.issues.store.writes import Changed, add_history

# -- bodies -------------------------------------------------------------------------------------


def bodies(conn: sqlite3.Connection, community_id: int) -> list[str]:
    """The community's own bodies, in the order they were added (物业 and 社区 are not stored)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM bodies WHERE community_id = ? ORDER BY created_at, name",
            (community_id,),
        )
    ]


def add_body(conn: sqlite3.Connection, community_id: int, name: str, now: datetime) -> bool:
    """False when the community has it already."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO bodies (community_id, name, created_at) VALUES (?, ?, ?)",
        (community_id, name, ts(now)),
    )
    return cursor.rowcount == 1


def active_assigned(conn: sqlite3.Connection, community_id: int, body: str) -> int:
    """How many open or escalated issues the body answers for."""
    (count,) = conn.execute(
        "SELECT count(*) FROM issues WHERE community_id = ? AND body = ?"
        " AND state IN ('open', 'escalated')",
        (community_id, body),
    ).fetchone()
    return int(count)


def remove_body(conn: sqlite3.Connection, community_id: int, name: str) -> bool:
    cursor = conn.execute(
        "DELETE FROM bodies WHERE community_id = ? AND name = ?", (community_id, name)
    )
    return cursor.rowcount == 1


# -- assigning and promising --------------------------------------------------------------------


def assign(
    conn: sqlite3.Connection,
    issue: Issue,
    body: str,
    assignee_id: int | None,
    actor_id: int,
    now: datetime,
) -> Changed:
    """The body (and person) that answers for the issue; the history names the body."""
    conn.execute(
        "UPDATE issues SET body = ?, assignee_id = ?, updated_at = ? WHERE id = ?",
        (body, assignee_id, ts(now), issue.id),
    )
    entry = add_history(conn, issue.id, now, actor_id, "assign", note=body)
    return Changed(reload(conn, issue.id), entry)


def promise(
    conn: sqlite3.Connection,
    issue: Issue,
    promised: Promise,
    note: str | None,
    actor_id: int,
    now: datetime,
) -> Changed:
    """The promised date; a change of it is its own history line (the first date stays in the
    history). A new date is no broken promise until it passes in turn."""
    conn.execute(
        "UPDATE issues SET due_date = ?, past_due = 0, updated_at = ? WHERE id = ?",
        (promised.due.isoformat(), ts(now), issue.id),
    )
    text = promised.due.isoformat() + (f" {note}" if note else "")
    entry = add_history(conn, issue.id, now, actor_id, promised.kind, note=text)
    return Changed(reload(conn, issue.id), entry)


# -- broken promises (the 09:00 follow-up) ------------------------------------------------------


def mark_past_due(conn: sqlite3.Connection, today: str) -> list[int]:
    """Active issues whose promised date is before `today` and not yet marked: marked now."""
    return [
        row[0]
        for row in conn.execute(
            "UPDATE issues SET past_due = 1 WHERE due_date < ? AND past_due = 0"
            " AND due_date IS NOT NULL AND state IN ('open', 'escalated') RETURNING id",
            (today,),
        )
    ]


def past_due_by_owner(
    conn: sqlite3.Connection,
) -> dict[tuple[int, int | None], list[IssueSummary]]:
    """Every broken promise of the town, by (community, assigned person or None), oldest
    promise first."""
    rows = conn.execute(
        f"SELECT i.community_id, i.assignee_id, {SUMMARY_COLUMNS} FROM issues i"
        " WHERE i.past_due = 1 AND i.state IN ('open', 'escalated')"
        " ORDER BY i.due_date, i.id"
    ).fetchall()
    out: dict[tuple[int, int | None], list[IssueSummary]] = {}
    for community_id, assignee_id, *summary in rows:
        out.setdefault((community_id, assignee_id), []).append(summary_row(tuple(summary)))
    return out
