"""The weekly account's SQL: one grid's week read from the issues table, and the record of which
group got which week's account.

SQL only, over the caller's connection (the service owns the transaction). Every read of a grid
is an index range (migration 0014; tests/unit/test_query_plans.py) cut at SHOWN rows and
counted, so a grid with 100,000 issues costs the same as a new one. The issues feature's own
columns are not imported (a store meets another feature only through its service): the few
this account shows are named here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.db import from_ts, ts
from bot.weekly.rules import SHOWN, Window

TEXT_KEPT = 80  # characters of an issue's text and solution read (the views cut shorter)
COLUMNS = (
    f"id, grid_id, state, priority, substr(text, 1, {TEXT_KEPT}), voice_file_id IS NOT NULL,"
    f" substr(solution, 1, {TEXT_KEPT}), body, assignee_id, due_date, past_due, created_at,"
    " resolved_at"
)
RESOLVED = (
    "FROM issues WHERE grid_id = ? AND state = 'resolved' AND resolved_at >= ? AND resolved_at < ?"
)
RAISED = "FROM issues WHERE grid_id = ? AND created_at >= ? AND created_at < ?"
STILL_OPEN = "FROM issues WHERE grid_id = ? AND state IN ('open', 'escalated')"
# Newest first for what happened in the week; oldest first for what still waits (SPEC).
RESOLVED_ROWS = f"SELECT {COLUMNS} {RESOLVED} ORDER BY resolved_at DESC, id DESC LIMIT {SHOWN}"
RAISED_ROWS = f"SELECT {COLUMNS} {RAISED} ORDER BY created_at DESC, id DESC LIMIT {SHOWN}"
OPEN_ROWS = f"SELECT {COLUMNS} {STILL_OPEN} ORDER BY created_at, id LIMIT {SHOWN}"


@dataclass(frozen=True, slots=True)
class WeekItem:
    """An issue as the account lists it (who reported it is never read: the account is public)."""

    id: int
    grid_id: int
    state: str
    priority: str
    text: str
    has_voice: bool
    solution: str | None
    body: str | None  # who answers for it: 'property', 'community' or a body's name
    assignee_id: int | None
    due_date: str | None  # the promised local date, YYYY-MM-DD
    past_due: bool  # the promise is broken (set by the 09:00 follow-up)
    created_at: datetime
    resolved_at: datetime | None

    @property
    def active(self) -> bool:
        return self.state in ("open", "escalated")


@dataclass(frozen=True)
class Section:
    """The first SHOWN items of a section and how many there are in all."""

    items: list[WeekItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class Account:
    """A week of one grid, or of a community's grids together (`several`: lines name the grid)."""

    window: Window
    resolved: Section
    raised: Section
    still_open: Section
    several: bool = False

    @property
    def empty(self) -> bool:
        return not (self.resolved.total or self.raised.total or self.still_open.total)


def _item(row: tuple[Any, ...]) -> WeekItem:
    (iid, grid_id, state, priority, text, voice, solution, body, assignee_id, due_date, past_due,
     created, resolved) = row  # fmt: skip
    return WeekItem(
        iid, grid_id, state, priority, text, bool(voice), solution, body, assignee_id, due_date,
        bool(past_due), datetime.fromisoformat(created), from_ts(resolved),
    )  # fmt: skip


def _section(conn: sqlite3.Connection, rows: str, where: str, params: tuple[Any, ...]) -> Section:
    items = [_item(r) for r in conn.execute(rows, params).fetchall()]
    if len(items) < SHOWN:
        return Section(items, len(items))
    total: int = conn.execute(f"SELECT count(*) {where}", params).fetchone()[0]
    return Section(items, total)


def grid_week(conn: sqlite3.Connection, grid_id: int, window: Window) -> Account:
    """A grid's account over `window`: six index reads at most (three when none is full)."""
    span = (grid_id, ts(window.since), ts(window.until))
    return Account(
        window,
        _section(conn, RESOLVED_ROWS, RESOLVED, span),
        _section(conn, RAISED_ROWS, RAISED, span),
        _section(conn, OPEN_ROWS, STILL_OPEN, (grid_id,)),
    )


def claim(
    conn: sqlite3.Connection, week: str, chat_id: int, monday: datetime, now: datetime
) -> bool:
    """True the first time for a group and week: its account is then queued, once. A group
    registered (/setup) after that Monday's 09:00 waits for the next Monday: it missed nothing."""
    inserted: int = conn.execute(
        "INSERT OR IGNORE INTO weekly_accounts (week, chat_id, sent_at)"
        " SELECT ?, id, ? FROM chats WHERE id = ? AND registered_at <= ?",
        (week, ts(now), chat_id, ts(monday)),
    ).rowcount
    return inserted > 0
