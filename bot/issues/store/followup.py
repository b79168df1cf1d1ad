"""The daily follow-up's reads and writes: the town's candidates (read off the event loop, on the
slow connection), then each planned change, re-checked against the issue as it is now."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from bot.core.db import ts
from bot.issues.rules.followup import Candidates
from bot.issues.store.records import SUMMARY_COLUMNS, Issue, IssueSummary, load_issue, summaries
from bot.issues.store.writes import add_history


async def candidates(conn: aiosqlite.Connection) -> Candidates:
    rows = list(
        await conn.execute_fetchall("SELECT last_run FROM job_runs WHERE name = 'followup'")
    )
    slas = {
        int(cid): (int(r), int(e))
        for cid, r, e in await conn.execute_fetchall(
            "SELECT community_id, sla_remind_days, sla_escalate_days FROM community_settings"
        )
    }
    open_issues = [
        (int(i), int(c), str(u))
        for i, c, u in await conn.execute_fetchall(
            "SELECT id, community_id, updated_at FROM issues WHERE state = 'open' ORDER BY id"
        )
    ]
    asked = [
        (int(i), str(r))
        for i, r in await conn.execute_fetchall(
            "SELECT id, resolved_at FROM issues WHERE state = 'resolved' AND fixed_state = 'asked'"
        )
    ]
    return Candidates(rows[0][0] if rows else None, slas, open_issues, asked)


def claim_day(conn: sqlite3.Connection, today: str) -> bool:
    """Record that the follow-up runs today; False when it already did (a restart after 09:00
    must not remind twice)."""
    row = conn.execute("SELECT last_run FROM job_runs WHERE name = 'followup'").fetchone()
    if row is not None and row[0] >= today:
        return False
    conn.execute(
        "INSERT INTO job_runs (name, last_run) VALUES ('followup', ?)"
        " ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run",
        (today,),
    )
    return True


def unchanged_open(conn: sqlite3.Connection, issue_id: int, updated: str) -> Issue | None:
    """The issue, if it is still open and unchanged since it was read (else a change came first)."""
    issue = load_issue(conn, issue_id)
    if issue is None or issue.state != "open" or ts(issue.updated_at) != updated:
        return None
    return issue


def still_overdue(conn: sqlite3.Connection, issue_ids: list[int]) -> list[IssueSummary]:
    """Those of the issues still open, longest unchanged first."""
    marks = ",".join("?" * len(issue_ids))
    return summaries(
        conn,
        f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.id IN ({marks})"
        " AND i.state = 'open' ORDER BY i.updated_at",
        tuple(issue_ids),
    )


def fix_by_silence(conn: sqlite3.Connection, issue_id: int, now: datetime) -> bool:
    """The reporter never answered "Fixed?": count it as fixed, if it is still asked."""
    changed = conn.execute(
        "UPDATE issues SET fixed_state = 'fixed' WHERE id = ? AND state = 'resolved'"
        " AND fixed_state = 'asked'",
        (issue_id,),
    ).rowcount
    if changed:
        add_history(conn, issue_id, now, None, "fixed_by_silence")
    return bool(changed)
