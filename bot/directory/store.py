"""The community roster (/contacts): one row per person, names unique within a community."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from bot.directory.rules import KINDS, Contact

_ORDER = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(KINDS))
_ROSTER = (
    "SELECT kind, name, phone, building FROM contacts WHERE community_id = ?"
    f" ORDER BY CASE kind {_ORDER} END, building, name"
)


def roster(conn: sqlite3.Connection, community_id: int) -> list[Contact]:
    return [Contact(*row) for row in conn.execute(_ROSTER, (community_id,))]


def rosters(conn: sqlite3.Connection, community_ids: Sequence[int]) -> list[list[Contact]]:
    return [roster(conn, cid) for cid in community_ids]


def upsert(
    conn: sqlite3.Connection, community_id: int, contact: Contact, *, by: int, at: str
) -> bool:
    """True when new; a name already on the roster is updated in place."""
    existed = conn.execute(
        "SELECT 1 FROM contacts WHERE community_id = ? AND name = ?",
        (community_id, contact.name),
    ).fetchone()
    conn.execute(
        "INSERT INTO contacts (community_id, kind, name, phone, building, added_by,"
        " added_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (community_id, name)"
        " DO UPDATE SET kind = excluded.kind, phone = excluded.phone,"
        " building = excluded.building, added_by = excluded.added_by,"
        " added_at = excluded.added_at",
        (community_id, contact.kind, contact.name, contact.phone, contact.building, by, at),
    )
    return existed is None


def delete(conn: sqlite3.Connection, community_id: int, name: str) -> bool:
    cursor = conn.execute(
        "DELETE FROM contacts WHERE community_id = ? AND name = ?", (community_id, name)
    )
    return cursor.rowcount > 0
