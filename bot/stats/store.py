"""/stats's reads: a community's issues, their history, the answers to "Fixed?" and its sign-ups
over a span of months.

Three reads cover every month asked for: the rows of the whole span, sorted into months by the
rules (bot/stats/rules.py). They run in one read transaction on the slow connection, so that
the months agree with each other and a busy community does not hold up the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.stats.rules import KINDS, Month, Rows

_RAISED = (  # counted by the database: a month may hold thousands of issues
    "SELECT category, grid_id, count(*) FROM issues"
    " WHERE community_id = ? AND created_at >= ? AND created_at < ? GROUP BY category, grid_id"
)
_ACTIONS = (
    "SELECT h.at, h.action, i.id, i.category, i.grid_id, i.created_at FROM issue_history h"
    " JOIN issues i ON i.id = h.issue_id"
    " WHERE h.community_id = ? AND h.at >= ? AND h.at < ? AND h.action IN ({marks})"
    " ORDER BY h.at"
).format(marks=", ".join("?" * len(KINDS)))
_RATINGS = (  # each person's answer to "Fixed?", counted in the month it was given
    "SELECT i.grid_id, coalesce(i.body, ''), r.answer, count(*) FROM issue_ratings r"
    " JOIN issues i ON i.id = r.issue_id"
    " WHERE r.at >= ? AND r.at < ? AND i.community_id = ? GROUP BY 1, 2, 3"
)
_SIGNUPS = (
    "SELECT s.created_at, s.party FROM signups s JOIN activities a ON a.id = s.activity_id"
    " WHERE a.community_id = ? AND s.created_at >= ? AND s.created_at < ?"
    " AND s.status != 'cancelled'"
)

Span = tuple[str, str]  # [lo, hi) as stored timestamps


async def read(
    conn: aiosqlite.Connection,
    community_id: int,
    months: Sequence[tuple[Month, Span]],
    span: Span,
) -> Rows:
    """The rows of `span` (which covers every month): one read transaction."""
    await conn.execute("BEGIN")
    try:
        raised: dict[Month, list[Any]] = {
            month: list(await conn.execute_fetchall(_RAISED, (community_id, lo, hi)))
            for month, (lo, hi) in months
        }
        ratings: dict[Month, list[Any]] = {
            month: list(await conn.execute_fetchall(_RATINGS, (lo, hi, community_id)))
            for month, (lo, hi) in months
        }
        actions: list[Any] = list(
            await conn.execute_fetchall(_ACTIONS, (community_id, *span, *KINDS))
        )
        signups: list[Any] = list(await conn.execute_fetchall(_SIGNUPS, (community_id, *span)))
    finally:
        await conn.execute("COMMIT")
    return Rows(raised, actions, signups, ratings)
