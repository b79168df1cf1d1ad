"""The outbox table: messages to many chats, queued in the transaction of the change that caused
them, so that a crash between the change and the sending loses and duplicates nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.db import Storage, ts, utcnow

MAX_ATTEMPTS = 8
# A card is edited at most this often (MULIN_CARD_EDIT_SECONDS): the sign-ups of a busy minute
# become a few edits, and a group's budget (20 messages a minute) stays for its conversation.
CARD_EDIT_INTERVAL = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message to send (or a card to edit), fully rendered in its reader's language."""

    chat_id: int
    text: str
    markup: dict[str, Any] | None = None  # reply_markup as Telegram's JSON
    reply_to: int | None = None
    reply_to_card: int | None = None  # reply to this card (its id is known at send time)
    card_of: int | None = None  # this message is the card of this issue: remember where it went
    edit_card: int | None = None  # edit this card instead of sending
    not_before: datetime | None = None
    card_kind: str = "issue"  # what card_of / edit_card / reply_to_card name: issue | activity
    refresh: bool = False  # edit_card: render the card when the edit is sent (bot/cards.py)


def card_refresh(chat_id: int, kind: str, card: int) -> OutboxItem:
    """Bring a card up to date: rendered at send time, one pending per card however many
    changes come before it goes out."""
    return OutboxItem(chat_id, "", edit_card=card, card_kind=kind, refresh=True)


# What a card shows now (text, reply_markup), rendered by bot/cards.py; None: it is gone.
Render = Callable[[sqlite3.Connection, str, int, int], tuple[str, dict[str, Any] | None] | None]


@dataclass(frozen=True, slots=True)
class PendingMessage:
    id: int
    chat_id: int
    method: str
    text: str
    markup: dict[str, Any] | None
    reply_to: int | None
    card_of: int | None
    attempts: int
    card_kind: str = "issue"
    edit_card: int | None = None
    markup_json: str | None = None  # as stored: what the card will show once sent


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
            " edit_card, not_before, created_at, card_kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.chat_id,
                "edit" if item.edit_card is not None else "send",
                item.text,
                json.dumps(item.markup, ensure_ascii=False, sort_keys=True)
                if item.markup
                else None,
                item.reply_to,
                item.reply_to_card,
                item.card_of,
                item.edit_card,
                ts(item.not_before or utcnow()),  # as soon as possible, by the wall clock
                ts(now),
                item.card_kind,
            ),
        )
    return len(items)


def signature(text: str, markup: str | None) -> str:
    """What a card shows: its text and its buttons (as stored, canonical JSON)."""
    return f"{text}\n{markup or ''}"


def _superseded(conn: sqlite3.Connection, mid: int, kind: str, card: int, chat_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM outbox WHERE done_at IS NULL AND card_kind = ? AND edit_card = ?"
        " AND chat_id = ? AND id > ? LIMIT 1",
        (kind, card, chat_id, mid),
    ).fetchone()
    return row is not None


def _card_pending(conn: sqlite3.Connection, kind: str, card: int, chat_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM outbox WHERE done_at IS NULL AND card_kind = ? AND card_of = ?"
        " AND chat_id = ? LIMIT 1",
        (kind, card, chat_id),
    ).fetchone()
    return row is not None


class OutboxStore:
    def __init__(self, storage: Storage) -> None:
        self._s = storage

    async def due(
        self,
        now: datetime,
        render: Render | None = None,
        limit: int = 100,
        *,
        edit_interval: timedelta = CARD_EDIT_INTERVAL,
    ) -> list[PendingMessage]:
        """Messages whose time has come, oldest first, with card references resolved now and
        card refreshes rendered (and stored as the edit they became, so that a change made
        while it is on its way queues a refresh of its own)."""
        moment = ts(now)

        def read(conn: sqlite3.Connection) -> list[PendingMessage]:
            rows = conn.execute(
                "SELECT o.id, o.chat_id, o.method, o.text, o.markup, o.reply_to, o.card_of,"
                " o.attempts, o.reply_to_card, o.edit_card, o.card_kind,"
                " coalesce(rc.chat_id, o.chat_id), coalesce(rc.card_message_id, ra.message_id),"
                " coalesce(ec.chat_id, o.chat_id), coalesce(ec.card_message_id, ea.message_id),"
                " coalesce(ec.card_text, ea.sent_text),"
                " coalesce(ec.card_edited_at, ea.edited_at)"
                " FROM outbox o"
                " LEFT JOIN issues rc ON o.card_kind = 'issue' AND rc.id = o.reply_to_card"
                " LEFT JOIN issues ec ON o.card_kind = 'issue' AND ec.id = o.edit_card"
                " LEFT JOIN activity_cards ra ON o.card_kind = 'activity'"
                "  AND ra.activity_id = o.reply_to_card AND ra.chat_id = o.chat_id"
                " LEFT JOIN activity_cards ea ON o.card_kind = 'activity'"
                "  AND ea.activity_id = o.edit_card AND ea.chat_id = o.chat_id"
                " WHERE o.done_at IS NULL AND o.not_before <= ? ORDER BY o.id LIMIT ?",
                (moment, limit),
            ).fetchall()
            found = []
            waiting: set[int] = set()  # chats whose next message needs a card not yet sent
            for (
                mid,
                chat_id,
                method,
                text,
                markup,
                reply_to,
                card_of,
                attempts,
                reply_card,
                edit_card,
                kind,
                rc_chat,
                rc_msg,
                ec_chat,
                ec_msg,
                shown,
                edited_at,
            ) in rows:
                if chat_id in waiting:
                    continue
                needs = None
                if reply_card is not None and rc_msg is None:
                    needs = reply_card
                if edit_card is not None and ec_msg is None:
                    needs = edit_card
                if needs is not None and _card_pending(conn, kind, needs, chat_id):
                    waiting.add(chat_id)  # keep the order: send the card first, then this
                    continue
                if reply_card is not None and rc_chat == chat_id and rc_msg is not None:
                    reply_to = rc_msg
                if edit_card is not None and (
                    _superseded(conn, mid, kind, edit_card, chat_id)
                    or (method == "edit" and shown == signature(text, markup))
                ):
                    # Coalesced: a newer edit follows, or the card already shows this.
                    conn.execute(
                        "UPDATE outbox SET done_at = ?, outcome = 'skipped: unchanged'"
                        " WHERE id = ?",
                        (moment, mid),
                    )
                    continue
                if method == "refresh" and edited_at is not None:
                    next_edit = datetime.fromisoformat(edited_at) + edit_interval
                    if next_edit > now:  # edited a moment ago: later (the chat's queue goes on)
                        conn.execute(
                            "UPDATE outbox SET not_before = ? WHERE id = ?", (ts(next_edit), mid)
                        )
                        continue
                if method == "refresh" and ec_msg is not None and ec_chat is not None:
                    now_shown = render(conn, kind, edit_card, ec_chat) if render else None
                    if now_shown is None:
                        ec_msg = None  # its issue or activity is gone: nothing to edit
                    else:
                        text, markup_dict = now_shown
                        markup = (
                            json.dumps(markup_dict, ensure_ascii=False, sort_keys=True)
                            if markup_dict
                            else None
                        )
                        if shown == signature(text, markup):
                            conn.execute(
                                "UPDATE outbox SET done_at = ?, outcome = 'skipped: unchanged'"
                                " WHERE id = ?",
                                (moment, mid),
                            )
                            continue
                        method = "edit"
                        conn.execute(
                            "UPDATE outbox SET method = 'edit', text = ?, markup = ? WHERE id = ?",
                            (text, markup, mid),
                        )
                if edit_card is not None:
                    if ec_msg is None or ec_chat is None:
                        conn.execute(
                            "UPDATE outbox SET done_at = ?, outcome = 'skipped: no card'"
                            " WHERE id = ?",
                            (moment, mid),
                        )
                        continue
                    chat_id, reply_to = ec_chat, ec_msg  # edit: reply_to carries the message id
                found.append(
                    PendingMessage(
                        mid,
                        chat_id,
                        method,
                        text,
                        json.loads(markup) if markup else None,
                        reply_to,
                        card_of,
                        attempts,
                        kind,
                        edit_card,
                        markup,
                    )
                )
            return found

        return await self._s.transaction(read)

    async def sent(self, message: PendingMessage, message_id: int | None, now: datetime) -> None:
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
        """Forget messages sent (or given up) before `before`: the table stays small."""
        deleted: int = await self._s.transaction(
            lambda conn: (
                conn.execute(
                    "DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?", (ts(before),)
                ).rowcount
            ),
            slow=True,
        )
        return deleted

    async def backlog(self) -> int:
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM outbox WHERE done_at IS NULL"
            ).fetchone()
        )
        return int(row[0])
