"""Public notices' use cases: post a notice to every group of a community, take an objection
(one per person, replaceable until the close), list them for officials, and the close.

Each change is one transaction that also queues, in the outbox, whom it tells: the cards, the
officials' private copies of an objection, the count at the close. A redelivered update finds
its id recorded and changes nothing; the close is claimed in its own transaction (closed_at),
so a second run or a restart never tells a group twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from bot.core.audience import Audience
from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.core.records import Community
from bot.core.render import split_html
from bot.core.roles import Action, Actor, Role
from bot.delivery.outbox_store import OutboxItem, enqueue
from bot.notices import rules, store, views
from bot.notices.rules import (
    NoGroups,
    Notice,
    NoticeClosed,
    NoticeMissing,
    NotOfficial,
    Objection,
)

__all__ = [
    "Closed",
    "NoGroups",
    "NotOfficial",
    "Notice",
    "NoticeClosed",
    "NoticeMissing",
    "NoticeObjections",
    "NoticePosted",
    "NoticeService",
    "Objection",
    "ObjectionTaken",
    "Opening",
]

T = TypeVar("T")


@dataclass(frozen=True)
class NoticePosted:
    notice: Notice
    groups: int


@dataclass(frozen=True)
class Opening:
    """The objection dialog may start: the notice, and the asker's objection so far."""

    notice: Notice
    mine: Objection | None


@dataclass(frozen=True)
class ObjectionTaken:
    notice: Notice
    replaced: bool
    told: int  # officials told privately


@dataclass(frozen=True)
class NoticeObjections:
    notice: Notice
    objections: list[Objection]


@dataclass
class Closed:
    """What a close run did: the notices closed and the objections each had."""

    counts: dict[int, int] = field(default_factory=dict)


def _split(chat_id: int, text: str, markup: dict[str, Any] | None = None) -> list[OutboxItem]:
    """A text of 2,000 emoji counts 4,000 as Telegram measures it: with its heading it may
    need two messages (cut at line ends); the button goes with the last."""
    parts = split_html(text)
    return [
        OutboxItem(chat_id, part, markup if i == len(parts) - 1 else None)
        for i, part in enumerate(parts)
    ]


class NoticeService:
    def __init__(
        self, db: Database, people: Audience, admins: frozenset[int], clock: Clock = utcnow
    ) -> None:
        self._db = db
        self._people = people
        self._admins = admins
        self._clock = clock

    def _may_post(self, user_id: int, community_id: int) -> bool:
        roles = self._people.registry.roles_of(user_id, community_id)
        return Actor.of(user_id, roles, self._admins).may(Action.NOTICE)

    def _officials(self, notice: Notice, besides: int | None = None) -> list[int]:
        """Who hears of objections: the community's officials and whoever posted the notice
        (a superadmin may), each once, if the bot can reach them privately."""
        ids = set(self._people.registry.role_holders(notice.community_id, [Role.COMMUNITY]))
        ids.add(notice.created_by)
        ids.discard(besides if besides is not None else 0)
        return sorted(i for i in ids if self._people.reachable(i))

    async def _write(self, fn: Callable[[sqlite3.Connection], T], origin: Origin) -> T:
        result = await self._db.transaction(fn, update_id=origin.update_id)
        self._db.outbox_signal.set()
        return result

    # -- posting ----------------------------------------------------------------------------------

    async def post(
        self, origin: Origin, community: Community, days: int, text: str, bot_link: str
    ) -> NoticePosted | NotOfficial | NoGroups:
        """The notice and its card in every active group of the community, in one transaction;
        `bot_link` (t.me/<bot>) makes the card's Object button open the private dialog."""
        if not self._may_post(origin.user_id, community.id):
            return NotOfficial()
        chats = sorted(c.id for c in self._people.registry.group_chats(community.id))
        if not chats:
            return NoGroups()
        now = self._clock()
        closes = rules.closes_at(now, days)

        def body(conn: sqlite3.Connection) -> NoticePosted:
            notice_id = store.insert_notice(
                conn, community.id, text, days, origin.user_id, now, closes
            )
            store.add_chats(conn, notice_id, chats)
            notice = store.load(conn, notice_id)
            assert notice is not None
            items = []
            for chat_id in chats:
                t = self._people.chat_tr(chat_id)
                markup = views.card_markup(t, bot_link, notice_id)
                items += _split(chat_id, views.card(t, notice, community.name), markup)
            enqueue(conn, items, now)
            return NoticePosted(notice, len(chats))

        return await self._write(body, origin)

    # -- objections -------------------------------------------------------------------------------

    async def opening(self, notice_id: int, user_id: int) -> Opening | NoticeMissing | NoticeClosed:
        now = self._clock()

        def read(conn: sqlite3.Connection) -> Opening | NoticeMissing | NoticeClosed:
            notice = store.load(conn, notice_id)
            if notice is None:
                return NoticeMissing(notice_id)
            if not notice.is_open(now):
                return NoticeClosed(notice)
            return Opening(notice, store.objection_of(conn, notice_id, user_id))

        return await self._db.run(read)

    async def object_to(
        self, origin: Origin, notice_id: int, text: str
    ) -> ObjectionTaken | NoticeMissing | NoticeClosed:
        """Take (or replace) the person's objection and tell the officials at once, with it."""
        now, user_id = self._clock(), origin.user_id
        people = self._people

        def body(conn: sqlite3.Connection) -> ObjectionTaken | NoticeMissing | NoticeClosed:
            notice = store.load(conn, notice_id)
            if notice is None:
                return NoticeMissing(notice_id)
            if not notice.is_open(now):
                return NoticeClosed(notice)
            replaced = store.objection_of(conn, notice_id, user_id) is not None
            store.put_objection(conn, notice_id, user_id, text, now)
            user = people.registry.user(user_id)
            username = user.username if user is not None else None
            officials = self._officials(notice, besides=user_id)
            items = [
                item
                for official in officials
                for item in _split(
                    official,
                    views.to_officials(
                        people.user_tr(official),
                        notice,
                        people.name(user_id),
                        username,
                        text,
                        replaced=replaced,
                    ),
                )
            ]
            enqueue(conn, items, now)
            return ObjectionTaken(notice, replaced, len(officials))

        return await self._write(body, origin)

    async def objections(
        self, origin: Origin, notice_id: int
    ) -> NoticeObjections | NoticeMissing | NotOfficial:
        def read(conn: sqlite3.Connection) -> NoticeObjections | NoticeMissing | NotOfficial:
            notice = store.load(conn, notice_id)
            if notice is None:
                return NoticeMissing(notice_id)
            if not self._may_post(origin.user_id, notice.community_id):
                return NotOfficial()
            return NoticeObjections(notice, store.objections(conn, notice_id))

        return await self._db.run(read)

    async def open_notices(self, community_id: int, limit: int = 10) -> list[Notice]:
        now = self._clock()
        return await self._db.run(lambda conn: store.open_in(conn, community_id, now, limit))

    # -- the close --------------------------------------------------------------------------------

    async def close_due(self, now: datetime | None = None) -> Closed:
        """Every notice whose window has ended: its groups told the count, its officials too.

        One transaction per notice; a notice already closed is skipped (a second run)."""
        moment = now or self._clock()
        done = Closed()
        for notice in await self._db.run(lambda conn: store.due(conn, moment)):
            close = partial(self._close, notice=notice, now=moment)
            count = await self._db.transaction(close)
            if count is not None:
                done.counts[notice.id] = count
        if done.counts:
            self._db.outbox_signal.set()
        return done

    def _close(self, conn: sqlite3.Connection, *, notice: Notice, now: datetime) -> int | None:
        if not store.mark_closed(conn, notice.id, now):
            return None
        count = store.count(conn, notice.id)
        people = self._people
        items = [
            OutboxItem(chat_id, views.result(people.chat_tr(chat_id), notice, count))
            for chat_id in store.chats_of(conn, notice.id)
            if people.group_active(chat_id)
        ]
        items += [
            OutboxItem(uid, views.result_for_officials(people.user_tr(uid), notice, count))
            for uid in self._officials(notice)
        ]
        enqueue(conn, items, now)
        return count
