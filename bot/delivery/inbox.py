"""The inbox: every update is recorded in the database before Telegram is told it arrived, and
the ones recorded but never handled are handled at the next start, first and in order.

PTB confirms a batch of updates to Telegram with its next getUpdates (the offset) as soon as it
has put the batch in its update queue — before handling it; a webhook answers 200 as soon as the
update is queued. Both go through the queue's `put`, so the queue (bot/delivery/ordering.py
`Backlog`) records each update there, and Telegram hears of it only after it is stored. An
update is handled once its id is in processed_updates (bot/core/tracking.py marks every update
at the end of its handling; a use case records it in the transaction of its effect). So after
a SIGKILL nothing fetched is lost, and nothing handled is handled again.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite
from telegram import Update

from bot.core.db import Database, ts, utcnow

UNHANDLED_SQL = (
    "SELECT i.payload FROM inbox i WHERE NOT EXISTS"
    " (SELECT 1 FROM processed_updates p WHERE p.update_id = i.update_id)"
    " ORDER BY i.update_id"
)


class Inbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, update: Update) -> None:
        """Kept before it is queued (and so before Telegram is told it arrived)."""
        if self._db.is_processed(update.update_id):
            return  # a redelivery of one already handled: tracking ignores it
        payload = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
        now = ts(utcnow())
        await self._db.run(
            lambda conn: conn.execute(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                (update.update_id, payload, now),
            )
        )

    async def unhandled(self) -> list[dict[str, Any]]:
        """Recorded and never handled (the process died first), oldest first."""
        rows = await self._db.run(lambda conn: conn.execute(UNHANDLED_SQL).fetchall())
        return [json.loads(row[0]) for row in rows]

    async def prune(self, before: datetime) -> int:
        """Updates received before `before` (handled long ago, or never to be)."""

        async def delete(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute("DELETE FROM inbox WHERE received_at < ?", (ts(before),))
            return cursor.rowcount

        deleted: int = await self._db.write_slow(delete)
        return deleted
