"""The outbox table: messages to many chats, queued in the transaction of the change that caused
them, so that a crash between the change and the sending loses and duplicates nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.core.db import Database, ts, utcnow
from bot.delivery.media import Media
from bot.delivery.pending import PendingMessage, Render, canonical, due_messages, signature

__all__ = [
    "CARD_EDIT_INTERVAL",
    "CARD_KINDS_WITH_COLUMNS",
    "MAX_ATTEMPTS",
    "Media",
    "OutboxItem",
    "OutboxStore",
    "PendingMessage",
    "Render",
    "card_refresh",
    "enqueue",
    "signature",
]

MAX_ATTEMPTS = 8
# A card is edited at most this often (MULIN_CARD_EDIT_SECONDS): the sign-ups of a busy minute
# become a few edits, and a group's budget (20 messages a minute) stays for its conversation.
CARD_EDIT_INTERVAL = timedelta(seconds=10)
# Issue and activity cards keep where they are in their own tables; a card of any other kind
# (a vote's, …) in group_cards, one row per card and group, written by its feature when the
# card is first queued (migration 0021).
CARD_KINDS_WITH_COLUMNS = frozenset({"issue", "activity"})


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message to send (or a card to edit), fully rendered in its reader's language."""

    chat_id: int
    text: str
    markup: dict[str, Any] | None = None  # reply_markup as Telegram's JSON
    reply_to: int | None = None
    reply_to_card: int | None = None  # reply to this card (its message id is known at send time)
    card_of: int | None = None  # this message is this card: remember where it went
    edit_card: int | None = None  # edit this card instead of sending
    not_before: datetime | None = None
    card_kind: str = "issue"  # what card_of / edit_card / reply_to_card name: issue, activity…
    refresh: bool = False  # edit_card: render the card when the edit is sent (delivery/cards.py)
    media: Media | None = None  # send this photo, album, voice or place; `text`: its caption


def card_refresh(chat_id: int, kind: str, card: int) -> OutboxItem:
    """Bring a card up to date: rendered at send time, one pending per card however many
    changes come before it goes out."""
    return OutboxItem(chat_id, "", edit_card=card, card_kind=kind, refresh=True)


def enqueue(conn: sqlite3.Connection, items: list[OutboxItem], now: datetime) -> int:
    """Queue items inside the caller's transaction; a newer edit of a card replaces an unsent one."""
    for item in items:
        if item.refresh:
            assert item.edit_card is not None
            conn.execute(
                "INSERT INTO outbox (chat_id, method, text, edit_card, not_before, created_at,"
                " card_kind) SELECT ?, 'refresh', '', ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1"
                " FROM outbox WHERE done_at IS NULL AND method = 'refresh' AND card_kind = ?"
                " AND edit_card = ? AND chat_id = ?)",
                (
                    item.chat_id,
                    item.edit_card,
                    ts(item.not_before or utcnow()),
                    ts(now),
                    item.card_kind,
                    item.card_kind,
                    item.edit_card,
                    item.chat_id,
                ),
            )
            continue
        conn.execute(
            "INSERT INTO outbox (chat_id, method, text, markup, reply_to, reply_to_card, card_of,"
            " edit_card, not_before, created_at, card_kind, payload)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.chat_id,
                _method(item),
                item.text,
                canonical(item.markup),
                item.reply_to,
                item.reply_to_card,
                item.card_of,
                item.edit_card,
                ts(item.not_before or utcnow()),  # as soon as possible, by the wall clock
                ts(now),
                item.card_kind,
                canonical(item.media.payload) if item.media is not None else None,
            ),
        )
    return len(items)


def _method(item: OutboxItem) -> str:
    if item.media is not None:
        return item.media.method
    return "edit" if item.edit_card is not None else "send"


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self._s = db

    async def due(
        self,
        now: datetime,
        render: Render | None = None,
        limit: int = 100,
        *,
        edit_interval: timedelta = CARD_EDIT_INTERVAL,
        busy: Sequence[int] = (),
    ) -> list[PendingMessage]:
        """Messages whose time has come, oldest first, in one transaction: what is coalesced,
        postponed or rendered on the way (bot/delivery/pending.py) is recorded with the reading.
        The `busy` chats' are left for later: their sender is still at work."""
        return await self._s.transaction(
            lambda conn: due_messages(conn, now, render, limit, edit_interval, busy)
        )

    async def sent(self, message: PendingMessage, message_id: int | None, now: datetime) -> None:
        """Mark it sent; for a card, also where it is and what it shows now, which the next
        edit needs: its message id, whether it would change anything, and when it may come."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE outbox SET done_at = ?, outcome = 'sent' WHERE id = ?",
                (ts(now), message.id),
            )
            card = message.card_of if message.card_of is not None else message.edit_card
            if card is None or message_id is None:
                return
            shown = signature(message.text, message.markup_json)
            edited = ts(now) if message.edit_card is not None else None
            if message.card_kind == "activity":
                conn.execute(
                    "UPDATE activity_cards SET message_id = ?, sent_text = ?,"
                    " edited_at = coalesce(?, edited_at) WHERE activity_id = ? AND chat_id = ?",
                    (message_id, shown, edited, card, message.chat_id),
                )
            elif message.card_kind not in CARD_KINDS_WITH_COLUMNS:
                conn.execute(
                    "UPDATE group_cards SET message_id = ?, sent_text = ?,"
                    " edited_at = coalesce(?, edited_at)"
                    " WHERE kind = ? AND card_id = ? AND chat_id = ?",
                    (message_id, shown, edited, message.card_kind, card, message.chat_id),
                )
            else:
                conn.execute(
                    "UPDATE issues SET chat_id = ?, card_message_id = ?, card_text = ?,"
                    " card_edited_at = coalesce(?, card_edited_at) WHERE id = ?",
                    (message.chat_id, message_id, shown, edited, card),
                )

        await self._s.transaction(write)

    async def skipped(self, message: PendingMessage, why: str, now: datetime) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "UPDATE outbox SET done_at = ?, outcome = ? WHERE id = ?",
                (ts(now), f"skipped: {why}", message.id),
            )
        )

    async def retry(self, message: PendingMessage, delay: timedelta, now: datetime) -> bool:
        """Try again later; False when it has been tried too often and is given up."""
        if message.attempts + 1 >= MAX_ATTEMPTS:
            await self.skipped(message, "gave up", now)
            return False
        await self._s.transaction(
            lambda conn: conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?",
                (ts(now + delay), message.id),
            )
        )
        return True

    async def next_due(self) -> datetime | None:
        rows = await self._s.run(
            lambda conn: conn.execute(
                "SELECT min(not_before) FROM outbox WHERE done_at IS NULL"
            ).fetchone()
        )
        return datetime.fromisoformat(rows[0]) if rows and rows[0] else None

    async def prune(self, before: datetime) -> int:
        """Forget messages sent (or given up) before `before`: the table stays small. A month's
        messages may be many: deleted through the slow connection, off the event loop."""

        async def delete(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?", (ts(before),)
            )
            return cursor.rowcount

        return await self._s.write_slow(delete)

    async def backlog(self) -> int:
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM outbox WHERE done_at IS NULL"
            ).fetchone()
        )
        return int(row[0])
