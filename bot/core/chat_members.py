"""Who is in which group and who administers it, asked of Telegram as rarely as possible.

Every getChatMember about a group goes through the group's 20-a-minute budget (the bot's rate
limiter counts every request that names a group), so a burst of them delays the group's
replies. Hence:

- `Memberships`: who is in which group, learned for free from the messages people send there
  and from join/leave updates (bot/core/tracking.py), kept in memory and in the `memberships`
  table. Telegram is asked only when the bot knows nothing about a person in the groups in
  question, about one group per question, and the answer is remembered too (a "no" for a day).
- `is_chat_admin`: admin rights matter for permission (/setup) and change without any update
  the bot is sure to get, so Telegram is asked each time — except in a burst (more than
  `FRESH_ADMIN_ASKS` asks about one group in a minute: a crowd sending /help), when the group's
  administrator list, fetched once a minute, answers for everyone. The trade-off: during such
  a burst an answer may be up to a minute old (someone just promoted may be refused /setup, or
  someone just demoted still allowed, until the minute is over).
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Bot, ChatMember, ChatMemberRestricted
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.core.db import Database

ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
MEMBERS = (*ADMINS, ChatMemberStatus.MEMBER, ChatMemberStatus.RESTRICTED)

DAY = 24 * 3600.0
MEMBER_TRUSTED = 30 * DAY  # a "member" not heard of for longer is asked again when it matters
LEFT_TRUSTED = DAY  # a "not a member" (left, or Telegram said so) is asked again after a day
REFRESH = DAY  # a repeated sighting is written at most once a day per person and group
PROBE_GAP = 6.0  # seconds between two questions about one group: at most 10 of its 20 a minute

FRESH_ADMIN_ASKS = 2  # getChatMember per group and minute before the admin list answers
ADMIN_WINDOW = 60.0


def present(member: ChatMember) -> bool:
    """In the group now (a restricted member may have left: Telegram says which)."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in MEMBERS


@dataclass(frozen=True, slots=True)
class Sighting:
    member: bool
    at: float  # epoch seconds


class Memberships:
    """Who is in which group, as far as the bot knows; see the module's docstring for why.

    Reads cost no await; a write happens only when something is new or changed (or a day old),
    so the tracking of every group message stays cheap.
    """

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._seen: dict[int, dict[int, Sighting]] = {}  # user → chat → what was learned
        self._probed: dict[int, float] = {}  # chat → when Telegram was last asked about it

    def load(self, conn: sqlite3.Connection) -> None:
        """Fill the cache at start (called from the registry's own load)."""
        for chat_id, user_id, status, seen_at in conn.execute(
            "SELECT chat_id, user_id, status, seen_at FROM memberships"
        ):
            at = datetime.fromisoformat(seen_at).timestamp()
            self._seen.setdefault(user_id, {})[chat_id] = Sighting(status == "member", at)

    def known(self, chat_id: int, user_id: int) -> bool | None:
        """True or False while what was learned is trusted; None when the bot does not know."""
        seen = self._seen.get(user_id, {}).get(chat_id)
        if seen is None:
            return None
        trusted = MEMBER_TRUSTED if seen.member else LEFT_TRUSTED
        return seen.member if self._clock() - seen.at < trusted else None

    async def saw(self, changes: Iterable[tuple[int, int, bool]]) -> None:
        """(chat, user, is a member) as an update shows it; written only when news."""
        now = self._clock()
        news = []
        for chat_id, user_id, member in changes:
            old = self._seen.get(user_id, {}).get(chat_id)
            if old is not None and old.member == member and now - old.at < REFRESH:
                continue
            self._seen.setdefault(user_id, {})[chat_id] = Sighting(member, now)
            news.append((chat_id, user_id, "member" if member else "left", _iso(now)))
        if news:
            await self._db.run(lambda conn: _upsert(conn, news))

    async def member_chats(self, bot: Bot, user_id: int, chat_ids: Sequence[int]) -> list[int]:
        """The chats of `chat_ids` the user is in. From the cache when it knows the user is in
        one of them; when it knows nothing either way, Telegram is asked about one chat (the
        first not asked about in the last PROBE_GAP seconds) and the answer remembered."""
        known = {c: self.known(c, user_id) for c in chat_ids}
        found = [c for c, member in known.items() if member]
        if found:
            return found
        now = self._clock()
        unknown = [c for c, member in known.items() if member is None]
        chat_id = next(
            (c for c in unknown if now - self._probed.get(c, float("-inf")) >= PROBE_GAP), None
        )
        if chat_id is None:
            return []
        self._probed[chat_id] = now
        try:
            answer = await bot.get_chat_member(chat_id, user_id)
        except TelegramError:  # the bot was removed, or the user is unknown: no answer to keep
            return []
        member = present(answer)
        await self.saw([(chat_id, user_id, member)])
        return [chat_id] if member else []

    def move_chat(self, conn: sqlite3.Connection, old_id: int, new_id: int) -> None:
        """A group became a supergroup: what is known of its members follows the new id (in the
        registry's transaction; what the new id already knows wins)."""
        conn.execute(
            "DELETE FROM memberships WHERE chat_id = ? AND user_id IN"
            " (SELECT user_id FROM memberships WHERE chat_id = ?)",
            (old_id, new_id),
        )
        conn.execute("UPDATE memberships SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
        for chats in self._seen.values():
            if old_id in chats:
                seen = chats.pop(old_id)
                chats.setdefault(new_id, seen)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _upsert(conn: sqlite3.Connection, rows: list[tuple[int, int, str, str]]) -> None:
    conn.executemany(
        "INSERT INTO memberships (chat_id, user_id, status, seen_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (chat_id, user_id) DO UPDATE SET status = excluded.status,"
        " seen_at = excluded.seen_at",
        rows,
    )


class AdminChecks:
    """Whether someone administers a group (see the module's docstring for the trade-off)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._asks: dict[int, deque[float]] = {}  # chat → when getChatMember was asked
        self._lists: dict[int, tuple[float, frozenset[int]]] = {}  # chat → (when, admins)

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        now = self._clock()
        asks = self._asks.setdefault(chat_id, deque())
        while asks and now - asks[0] >= ADMIN_WINDOW:
            asks.popleft()
        if len(asks) < FRESH_ADMIN_ASKS:
            asks.append(now)
            member = await bot.get_chat_member(chat_id, user_id)
            return member.status in ADMINS
        listed = self._lists.get(chat_id)
        if listed is None or now - listed[0] >= ADMIN_WINDOW:
            admins = await bot.get_chat_administrators(chat_id)
            listed = (now, frozenset(a.user.id for a in admins))
            self._lists[chat_id] = listed
        return user_id in listed[1]

    def forget(self, chat_id: int) -> None:
        """Someone's rights in the group changed (a chat_member update): no old list."""
        self._lists.pop(chat_id, None)


# One AdminChecks per Bot: the callers hand over only the bot, and two applications (tests,
# the demo) must not share answers. Keyed by identity (Bots with one token compare equal); an
# entry goes with its bot.
_ADMIN_CHECKS: dict[int, tuple[weakref.ref[Bot], AdminChecks]] = {}


def admin_checks(bot: Bot) -> AdminChecks:
    key = id(bot)
    entry = _ADMIN_CHECKS.get(key)
    if entry is None or entry[0]() is not bot:
        entry = (weakref.ref(bot, lambda _: _ADMIN_CHECKS.pop(key, None)), AdminChecks())
        _ADMIN_CHECKS[key] = entry
    return entry[1]


async def is_chat_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    return await admin_checks(bot).is_admin(bot, chat_id, user_id)
