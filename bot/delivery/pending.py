"""Which queued messages go out now, and in what shape: read inside one transaction, so that what
is skipped, postponed or rendered here is recorded with the reading.

Edits of a card are coalesced: only the newest pending one for a card and chat is sent, and
none when the card already shows it. A refresh is rendered only when its turn comes and at most
once every edit interval, so a busy card costs a few edits, not one per change. A chat's
messages keep their order: one that needs a card not yet sent waits, and the chat's later
messages with it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.core.db import ts
from bot.delivery.cards import Shown

# What a card shows now, by (connection, kind, card, chat); None: it is gone (bot/delivery/cards.py).
Render = Callable[[sqlite3.Connection, str, int, int], Shown | None]


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
    payload: dict[str, Any] | None = None  # a media method's parameters (bot/delivery/media.py)


@dataclass(frozen=True, slots=True)
class _Row:
    """A due outbox row with the cards it names looked up (message ids, what they show)."""

    id: int
    chat_id: int
    method: str  # send | edit | refresh, or a media method (bot/delivery/media.py)
    text: str
    markup: str | None  # canonical JSON, as stored
    reply_to: int | None
    card_of: int | None
    attempts: int
    reply_card: int | None
    edit_card: int | None
    kind: str
    rc_chat: int | None  # the card replied to: its chat and message (None: not sent yet)
    rc_msg: int | None
    ec_chat: int | None  # the card edited: its chat, message, what it shows, when last edited
    ec_msg: int | None
    shown: str | None
    edited_at: str | None
    payload: str | None  # a media method's parameters, as stored


def canonical(markup: dict[str, Any] | None) -> str | None:
    """Buttons as stored: one spelling for the same buttons, so that comparing what a card
    shows is comparing strings."""
    return json.dumps(markup, ensure_ascii=False, sort_keys=True) if markup else None


def signature(text: str, markup: str | None) -> str:
    """What a card shows: its text and its buttons (as stored, canonical JSON)."""
    return f"{text}\n{markup or ''}"


def _select_due(
    conn: sqlite3.Connection, moment: str, limit: int, busy: Sequence[int] = ()
) -> list[_Row]:
    """Due rows, oldest first, but none of the `busy` chats (their sender is still at work).
    The cards a row names are found by kind: an issue's in its row, an activity's in
    activity_cards, any other kind's (a vote's, …) in group_cards."""
    rows = conn.execute(
        "SELECT o.id, o.chat_id, o.method, o.text, o.markup, o.reply_to, o.card_of,"
        " o.attempts, o.reply_to_card, o.edit_card, o.card_kind,"
        " coalesce(rc.chat_id, o.chat_id),"
        " coalesce(rc.card_message_id, ra.message_id, rg.message_id),"
        " coalesce(ec.chat_id, o.chat_id),"
        " coalesce(ec.card_message_id, ea.message_id, eg.message_id),"
        " coalesce(ec.card_text, ea.sent_text, eg.sent_text),"
        " coalesce(ec.card_edited_at, ea.edited_at, eg.edited_at), o.payload"
        " FROM outbox o"
        " LEFT JOIN issues rc ON o.card_kind = 'issue' AND rc.id = o.reply_to_card"
        " LEFT JOIN issues ec ON o.card_kind = 'issue' AND ec.id = o.edit_card"
        " LEFT JOIN activity_cards ra ON o.card_kind = 'activity'"
        "  AND ra.activity_id = o.reply_to_card AND ra.chat_id = o.chat_id"
        " LEFT JOIN activity_cards ea ON o.card_kind = 'activity'"
        "  AND ea.activity_id = o.edit_card AND ea.chat_id = o.chat_id"
        " LEFT JOIN group_cards rg ON rg.kind = o.card_kind"
        "  AND rg.card_id = o.reply_to_card AND rg.chat_id = o.chat_id"
        " LEFT JOIN group_cards eg ON eg.kind = o.card_kind"
        "  AND eg.card_id = o.edit_card AND eg.chat_id = o.chat_id"
        " WHERE o.done_at IS NULL AND o.not_before <= ?"
        " AND o.chat_id NOT IN (SELECT value FROM json_each(?)) ORDER BY o.id LIMIT ?",
        (moment, json.dumps(list(busy)), limit),
    ).fetchall()
    return [_Row(*row) for row in rows]


def _card_pending(conn: sqlite3.Connection, kind: str, card: int, chat_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM outbox WHERE done_at IS NULL AND card_kind = ? AND card_of = ?"
        " AND chat_id = ? LIMIT 1",
        (kind, card, chat_id),
    ).fetchone()
    return row is not None


def _superseded(conn: sqlite3.Connection, mid: int, kind: str, card: int, chat_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM outbox WHERE done_at IS NULL AND card_kind = ? AND edit_card = ?"
        " AND chat_id = ? AND id > ? LIMIT 1",
        (kind, card, chat_id, mid),
    ).fetchone()
    return row is not None


def _done(conn: sqlite3.Connection, mid: int, moment: str, outcome: str) -> None:
    conn.execute("UPDATE outbox SET done_at = ?, outcome = ? WHERE id = ?", (moment, outcome, mid))


def _waits_for_card(conn: sqlite3.Connection, row: _Row) -> bool:
    """A reply to (or an edit of) a card still queued goes after the card, not before it."""
    needs = None
    if row.reply_card is not None and row.rc_msg is None:
        needs = row.reply_card
    if row.edit_card is not None and row.ec_msg is None:
        needs = row.edit_card
    return needs is not None and _card_pending(conn, row.kind, needs, row.chat_id)


def _unchanged(conn: sqlite3.Connection, row: _Row) -> bool:
    """An edit is not worth sending when a newer one of the same card follows it, or when the
    card already shows it."""
    if row.edit_card is None:
        return False
    return _superseded(conn, row.id, row.kind, row.edit_card, row.chat_id) or (
        row.method == "edit" and row.shown == signature(row.text, row.markup)
    )


def _held_back(conn: sqlite3.Connection, row: _Row, now: datetime, interval: timedelta) -> bool:
    """A card edited a moment ago is refreshed once the interval has passed; the chat's other
    messages go on meanwhile."""
    if row.edited_at is None:
        return False
    next_edit = datetime.fromisoformat(row.edited_at) + interval
    if next_edit <= now:
        return False
    conn.execute("UPDATE outbox SET not_before = ? WHERE id = ?", (ts(next_edit), row.id))
    return True


def _rendered(conn: sqlite3.Connection, row: _Row, render: Render | None) -> _Row | None:
    """A refresh becomes the edit it renders to, stored as such: a change made while that edit
    is on its way queues a refresh of its own. None: the card already shows it."""
    if row.edit_card is None or row.ec_msg is None or row.ec_chat is None:
        return row  # no card to draw yet: _outgoing says so
    now_shown = render(conn, row.kind, row.edit_card, row.ec_chat) if render else None
    if now_shown is None:
        return replace(row, ec_msg=None)  # its issue or activity is gone: nothing to edit
    text, markup = now_shown[0], canonical(now_shown[1])
    if row.shown == signature(text, markup):
        return None
    conn.execute(
        "UPDATE outbox SET method = 'edit', text = ?, markup = ? WHERE id = ?",
        (text, markup, row.id),
    )
    return replace(row, method="edit", text=text, markup=markup)


def _outgoing(conn: sqlite3.Connection, row: _Row, moment: str) -> PendingMessage | None:
    """The message as sent, its card references resolved; None: the card to edit is not there."""
    chat_id, reply_to = row.chat_id, row.reply_to
    if row.reply_card is not None and row.rc_chat == chat_id and row.rc_msg is not None:
        reply_to = row.rc_msg
    if row.edit_card is not None:
        if row.ec_msg is None or row.ec_chat is None:
            _done(conn, row.id, moment, "skipped: no card")
            return None
        chat_id, reply_to = row.ec_chat, row.ec_msg  # edit: reply_to carries the message id
    return PendingMessage(
        row.id,
        chat_id,
        row.method,
        row.text,
        json.loads(row.markup) if row.markup else None,
        reply_to,
        row.card_of,
        row.attempts,
        row.kind,
        row.edit_card,
        row.markup,
        json.loads(row.payload) if row.payload else None,
    )


def _coalesced(
    conn: sqlite3.Connection,
    row: _Row,
    now: datetime,
    render: Render | None,
    interval: timedelta,
) -> PendingMessage | None:
    """One due row as it goes out, or None when it is skipped or postponed (and recorded so)."""
    moment = ts(now)
    if _unchanged(conn, row):
        _done(conn, row.id, moment, "skipped: unchanged")
        return None
    if row.method == "refresh":
        if _held_back(conn, row, now, interval):
            return None
        drawn = _rendered(conn, row, render)
        if drawn is None:
            _done(conn, row.id, moment, "skipped: unchanged")
            return None
        row = drawn
    return _outgoing(conn, row, moment)


def due_messages(
    conn: sqlite3.Connection,
    now: datetime,
    render: Render | None,
    limit: int,
    interval: timedelta,
    busy: Sequence[int] = (),
) -> list[PendingMessage]:
    """Messages whose time has come, oldest first, of chats not `busy`; see the module's
    docstring."""
    found = []
    waiting: set[int] = set()  # chats whose next message needs a card not yet sent
    for row in _select_due(conn, ts(now), limit, busy):
        if row.chat_id in waiting:
            continue
        if _waits_for_card(conn, row):
            waiting.add(row.chat_id)  # keep the order: send the card first, then this
            continue
        message = _coalesced(conn, row, now, render, interval)
        if message is not None:
            found.append(message)
    return found
