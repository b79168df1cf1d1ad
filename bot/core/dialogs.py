"""Guided dialogs that survive a restart: PTB's persistence interface (`BasePersistence`) over
our SQLite file, for the two things a dialog keeps — its step (the ConversationHandler's state)
and its draft (user_data). bot_data (the services) and chat_data are not persisted.

PTB loads everything at start (before bot/app.py's post_init opens the Database, so the loads use
a connection of their own) and writes what changed when asked to: every minute by itself, at a
clean stop, and — for a private chat, where the dialogs are — at the end of each update
(bot/core/tracking.py `mark_done`), so that a SIGKILL loses no answered step. A conversation left
alone for DIALOG_TIMEOUT is not restored: the dialogs' own 30-minute expiry would have ended it.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from telegram.ext import BasePersistence, PersistenceInput

from bot.core.db import Database, apply_migrations, ts, utcnow

DIALOG_TIMEOUT = timedelta(minutes=30)
T = TypeVar("T")
UserData = dict[Any, Any]
ConversationKey = tuple[int | str, ...]  # as PTB keys a conversation: (chat, user)
ConversationDict = dict[ConversationKey, object]


async def prune_dialogs(db: Database, before: datetime) -> int:
    """Steps and drafts untouched since `before`: dialogs that expired while the bot was down
    (no 30-minute timer runs for them after a restart)."""

    async def delete(conn: aiosqlite.Connection) -> int:
        cutoff = ts(before)
        steps = await conn.execute("DELETE FROM dialog_states WHERE updated_at < ?", (cutoff,))
        drafts = await conn.execute("DELETE FROM dialog_user_data WHERE updated_at < ?", (cutoff,))
        return steps.rowcount + drafts.rowcount

    deleted: int = await db.write_slow(delete)
    return deleted


class DialogPersistence(BasePersistence[UserData, UserData, Any]):
    def __init__(self, path: Path) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self._path = path
        self._db: Database | None = None
        self._stored: set[int] = set()  # users with a stored draft (empty ones are not stored)

    def attach(self, db: Database) -> None:
        """From now on, writes go through the Database (it keeps them off a slow write)."""
        self._db = db

    def has_data(self, user_id: int) -> bool:
        return user_id in self._stored

    # -- reading, at start ------------------------------------------------------------------

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = sqlite3.connect(self._path, isolation_level=None)
        try:
            apply_migrations(conn)
            return fn(conn)
        finally:
            conn.close()

    async def get_user_data(self) -> dict[int, UserData]:
        rows = self._read(
            lambda c: c.execute("SELECT user_id, data FROM dialog_user_data").fetchall()
        )
        found = {int(uid): pickle.loads(data) for uid, data in rows}
        self._stored = set(found)
        return found

    async def get_conversations(self, name: str) -> ConversationDict:
        since = ts(utcnow() - DIALOG_TIMEOUT)
        rows = self._read(
            lambda c: c.execute(
                "SELECT key, state FROM dialog_states WHERE name = ? AND updated_at >= ?",
                (name, since),
            ).fetchall()
        )
        return {tuple(json.loads(key)): pickle.loads(state) for key, state in rows}

    async def get_chat_data(self) -> dict[int, UserData]:
        return {}

    async def get_bot_data(self) -> Any:
        return None  # not stored: bot_data is the services, built at every start

    async def get_callback_data(self) -> None:
        return None

    # -- writing ----------------------------------------------------------------------------

    async def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        if self._db is not None:
            await self._db.run(lambda conn: conn.execute(sql, params))
        else:
            self._read(lambda conn: conn.execute(sql, params))

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        stored = json.dumps(list(key))
        if new_state is None:
            await self._write(
                "DELETE FROM dialog_states WHERE name = ? AND key = ?", (name, stored)
            )
            return
        await self._write(
            "INSERT INTO dialog_states (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (name, stored, pickle.dumps(new_state), ts(utcnow())),
        )

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        if not data:
            if user_id in self._stored:
                await self.drop_user_data(user_id)
            return  # most users never start a dialog: nothing to store for them
        await self._write(
            "INSERT INTO dialog_user_data (user_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (user_id, pickle.dumps(data), ts(utcnow())),
        )
        self._stored.add(user_id)

    async def drop_user_data(self, user_id: int) -> None:
        await self._write("DELETE FROM dialog_user_data WHERE user_id = ?", (user_id,))
        self._stored.discard(user_id)

    async def update_chat_data(self, chat_id: int, data: UserData) -> None:
        """Not stored."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not stored."""

    async def update_bot_data(self, data: Any) -> None:
        """Not stored."""

    async def update_callback_data(self, data: Any) -> None:
        """Not stored."""

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """The stored draft is the one in memory: nothing to refresh."""

    async def refresh_chat_data(self, chat_id: int, chat_data: UserData) -> None:
        """Not stored."""

    async def refresh_bot_data(self, bot_data: Any) -> None:
        """Not stored."""

    async def flush(self) -> None:
        """Every write is committed as it is made."""
