"""What `python -m bot export` reads: issues and activities with what a city system needs.

Plain SQL over a connection the caller opened (read-only, beside the running bot).
"""

from __future__ import annotations

import sqlite3
from typing import Any

_ISSUES = (
    "SELECT i.id, i.state, i.solution, i.reason, i.category, i.text, i.created_at,"
    " i.updated_at, i.location_text, i.latitude, i.longitude, c.name, i.priority, g.name,"
    " (SELECT count(*) FROM issue_followers f WHERE f.issue_id = i.id), i.resolved_at,"
    " i.body, i.due_date, i.past_due AND i.state IN ('open', 'escalated'),"
    + ", ".join(
        f"(SELECT count(*) FROM issue_ratings r WHERE r.issue_id = i.id"
        f" AND r.resolved_at = i.resolved_at AND r.answer = '{answer}')"
        for answer in ("fixed", "partly", "not_fixed")
    )
    + " FROM issues i JOIN communities c ON c.id = i.community_id"
    " JOIN grids g ON g.id = i.grid_id"
    " WHERE ? IS NULL OR i.community_id = ? ORDER BY i.id"
)
_ACTIVITIES = (
    "SELECT a.id, c.name, a.title, a.description, a.starts_at, a.ends_at, a.place,"
    " a.capacity, a.max_party, a.deadline, a.state,"
    " coalesce((SELECT sum(party) FROM signups s WHERE s.activity_id = a.id"
    "  AND s.status = 'confirmed'), 0),"
    " coalesce((SELECT sum(party) FROM signups s WHERE s.activity_id = a.id"
    "  AND s.status = 'waitlisted'), 0),"
    " (SELECT count(*) FROM signups s WHERE s.activity_id = a.id"
    "  AND s.status != 'cancelled')"
    " FROM activities a JOIN communities c ON c.id = a.community_id"
    " WHERE ? IS NULL OR a.community_id = ? ORDER BY a.id"
)


def community_id(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT id FROM communities WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row is not None else None


def community_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM communities ORDER BY name")]


def issue_rows(conn: sqlite3.Connection, community: int | None) -> list[tuple[Any, ...]]:
    """id, state, solution, reason, category, text, created, updated, place, lat, long,
    community, priority, grid, followers, resolved, body, due date, overdue, and the answers
    to "Fixed?" of its resolution (👍, 🤏, 👎) — of one community, or of all (None)."""
    return [tuple(r) for r in conn.execute(_ISSUES, (community, community))]


def activity_rows(conn: sqlite3.Connection, community: int | None) -> list[tuple[Any, ...]]:
    """In the order of export.ACTIVITY_FIELDS."""
    return [tuple(r) for r in conn.execute(_ACTIVITIES, (community, community))]
