"""A line another feature adds to an issue's history inside its own transaction: a vote's result
(bot/votes, SPEC "大事大议": "with #N, recorded in the issue's history"). The line is the bot's
(no actor), and the issue's card in its group is brought up to date with it; nobody is messaged
about it here — the feature that decided it tells its own audience."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.delivery.outbox_store import enqueue
from bot.issues.notify import Notifier
from bot.issues.store.records import load_issue
from bot.issues.store.writes import add_history


def record(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    action: str,
    note: str,
    now: datetime,
) -> bool:
    """False when the issue is gone (nothing is written)."""
    issue = load_issue(conn, issue_id)
    if issue is None:
        return False
    add_history(conn, issue_id, now, None, action, note=note)
    enqueue(conn, notifier.card_edit(issue), now)
    return True
