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
    """`fetched`: the updates the getUpdates transport keeps as Telegram sent them
    (bot/delivery/transport.py); the first update of a batch to be queued stores the whole
    batch in one statement, the others find themselves stored. Without it (a webhook), each
    update is stored as PTB rebuilds it."""

    def __init__(self, db: Database, fetched: dict[int, dict[str, Any]] | None = None) -> None:
        self._db = db
        self._fetched = fetched
        self._stored: set[int] = set()  # stored with an earlier update of their batch

    async def record(self, update: Update) -> None:
        """Kept before it is queued (and so before Telegram is told it arrived)."""
        if update.update_id in self._stored:
            self._stored.discard(update.update_id)
            return
        rows = [
            (update_id, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
            for update_id, payload in self._batch(update)
            if not self._db.is_processed(update_id)  # a redelivery: tracking ignores it
        ]
        if not rows:
            return
        now = ts(utcnow())
        await self._db.run(
            lambda conn: conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                [(update_id, payload, now) for update_id, payload in rows],
            )
        )
        self._stored.update(update_id for update_id, _ in rows if update_id != update.update_id)

    def _batch(self, update: Update) -> list[tuple[int, dict[str, Any]]]:
        """This update and the rest of its getUpdates batch not yet queued, as they came."""
        fetched = self._fetched
        if fetched is None or update.update_id not in fetched:
            return [(update.update_id, update.to_dict())]
        batch = sorted(fetched.items())
        fetched.clear()
        return batch

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
