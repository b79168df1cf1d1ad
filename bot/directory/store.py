"""The community roster (/contacts): one row per person, names unique within a community."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.core.db import Database, ts

KINDS: tuple[str, ...] = ("party", "volunteer", "committee", "building_head", "grid", "property")


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str
    name: str
    phone: str
    building: str | None


class ContactStore:
    def __init__(self, storage: Database) -> None:
        self._s = storage

    async def roster(self, community_id: int) -> list[Contact]:
        order = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(KINDS))
        rows = await self._s.run(
            lambda conn: conn.execute(
                "SELECT kind, name, phone, building FROM contacts WHERE community_id = ?"
                f" ORDER BY CASE kind {order} END, building, name",
                (community_id,),
            ).fetchall()
        )
        return [Contact(*row) for row in rows]

    async def add(
        self,
        community_id: int,
        contact: Contact,
        *,
        by: int,
        now: datetime,
        update_id: int | None = None,
    ) -> bool:
        """True when new; a name already on the roster is updated in place."""

        def write(conn: sqlite3.Connection) -> bool:
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
                (
                    community_id,
                    contact.kind,
                    contact.name,
                    contact.phone,
                    contact.building,
                    by,
                    ts(now),
                ),
            )
            return existed is None

        added: bool = await self._s.transaction(write, update_id=update_id)
        return added

    async def remove(self, community_id: int, name: str, *, update_id: int | None = None) -> bool:
        removed: int = await self._s.transaction(
            lambda conn: (
                conn.execute(
                    "DELETE FROM contacts WHERE community_id = ? AND name = ?", (community_id, name)
                ).rowcount
            ),
            update_id=update_id,
        )
        return removed > 0
