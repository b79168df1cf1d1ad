"""What a visit (接访进小区) and an urgent meeting (/convene) need of the issues, inside the
visit's own transaction: the active issues of some grids to choose an agenda from, and an
issue made urgent because a meeting was convened for it.

Making it urgent is the ordinary priority change (its history says who and when, its card is
refreshed), but it does not send the urgent alerts of /priority: the convening message itself
goes at once to the same moderators, and to the reporter and followers, in the same commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from bot.delivery.outbox_store import enqueue
from bot.issues.notify import Notifier
from bot.issues.rules.states import Command
from bot.issues.store import reads, writes
from bot.issues.store.records import Issue, IssueSummary, load_issue

URGENT = "urgent"


def make_urgent(
    conn: sqlite3.Connection, notifier: Notifier, issue_id: int, actor_id: int, now: datetime
) -> Issue | None:
    """The issue, made urgent if it was not (its card refreshed); None if there is none."""
    issue = load_issue(conn, issue_id)
    if issue is None or issue.priority == URGENT:
        return issue
    done = writes.change(conn, issue, Command.PRIORITY, issue.state, actor_id, now, priority=URGENT)
    enqueue(conn, notifier.card_edit(done.issue), now)
    return done.issue


def active_in_grids(
    conn: sqlite3.Connection, grid_ids: Sequence[int], *, limit: int
) -> list[IssueSummary]:
    """The open and escalated issues of these grids, escalated first, newest first."""
    found: list[IssueSummary] = []
    for state in ("escalated", "open"):
        for grid_id in grid_ids:
            found += reads.board(conn, ("grid_id", grid_id), state, limit=limit).items
    return found[:limit]
