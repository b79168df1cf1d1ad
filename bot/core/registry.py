"""The registry of people, chats, grids, communities and roles (SPEC "Roles"), cached.

It returns data (bot/core/records.py), never text for people.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from telegram import Bot

from bot.core.chat_members import Memberships
from bot.core.db import Database, ts, utcnow
from bot.core.records import ChatRecord, Community, Grid, Registration, SeenUser, UserRecord
from bot.core.registry_rows import community_row, grid_row, upsert_user
from bot.core.roles import Role


class Registry:
    """Who and where: people, chats, grids, communities and roles, cached in memory.

    They are read on nearly every update and change rarely, so reads cost nothing (no await)
    and the writes that change them (below) update the cache after their commit.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._users: dict[int, UserRecord] = {}
        self._usernames: dict[str, int] = {}
        self._chats: dict[int, ChatRecord] = {}
        self._communities: dict[int, Community] = {}
        self._grids: dict[int, Grid] = {}
        self._roles: dict[int, dict[int, set[str]]] = defaultdict(dict)  # community → user → roles
        self.memberships = Memberships(db)  # who is in which group (bot/core/chat_members.py)

    @classmethod
    async def load(cls, db: Database) -> Registry:
        registry = cls(db)
        await db.run(registry._load_caches)
        return registry

    @classmethod
    async def open(cls, path: Path) -> Registry:
        """The database at `path` (migrated) and its registry, for tools and tests."""
        db = await Database.open(path)
        try:
            return await cls.load(db)
        except BaseException:
            await db.close()
            raise

    async def close(self) -> None:
        await self.db.close()

    def _load_caches(self, conn: sqlite3.Connection) -> None:
        for row in conn.execute(
            "SELECT id, first_name, last_name, username, language_code, locale, started, blocked"
            " FROM users"
        ):
            uid, first, last, username, code, locale, started, blocked = row
            self._cache_user(
                UserRecord(uid, first, last, username, code, locale, bool(started), bool(blocked))
            )
        for cid, name in conn.execute("SELECT id, name FROM communities"):
            self._communities[cid] = Community(cid, name)
        for gid, cid, name in conn.execute("SELECT id, community_id, name FROM grids"):
            self._grids[gid] = Grid(gid, cid, name)
        for row in conn.execute("SELECT id, type, title, grid_id, locale, active FROM chats"):
            cid, kind, title, grid_id, locale, active = row
            self._chats[cid] = ChatRecord(cid, kind, title, grid_id, locale, bool(active))
        for uid, cid, role in conn.execute("SELECT user_id, community_id, role FROM roles"):
            self._roles[cid].setdefault(uid, set()).add(role)
        self.memberships.load(conn)

    def _cache_user(self, user: UserRecord) -> None:
        old = self._users.get(user.id)
        if old and old.username:
            self._usernames.pop(old.username.lower(), None)
        self._users[user.id] = user
        if user.username:
            self._usernames[user.username.lower()] = user.id

    # -- cached reads (no await) -----------------------------------------------------------

    def user(self, user_id: int) -> UserRecord | None:
        return self._users.get(user_id)

    def user_by_username(self, username: str) -> UserRecord | None:
        uid = self._usernames.get(username.lstrip("@").lower())
        return self._users.get(uid) if uid is not None else None

    def chat(self, chat_id: int) -> ChatRecord | None:
        return self._chats.get(chat_id)

    def grid(self, grid_id: int) -> Grid | None:
        return self._grids.get(grid_id)

    def community(self, community_id: int) -> Community | None:
        return self._communities.get(community_id)

    def community_by_name(self, name: str) -> Community | None:
        key = name.casefold()
        return next((c for c in self._communities.values() if c.name.casefold() == key), None)

    def communities(self) -> list[Community]:
        return sorted(self._communities.values(), key=lambda c: c.name)

    def grid_ids(self, community_id: int) -> list[int]:
        return sorted(g.id for g in self._grids.values() if g.community_id == community_id)

    def grids_of(self, community_id: int) -> list[Grid]:
        return sorted(
            (g for g in self._grids.values() if g.community_id == community_id),
            key=lambda g: g.name,
        )

    def chat_grid(self, chat_id: int) -> Grid | None:
        chat = self._chats.get(chat_id)
        return self._grids.get(chat.grid_id) if chat and chat.grid_id is not None else None

    def roles_of(self, user_id: int, community_id: int) -> frozenset[str]:
        return frozenset(self._roles.get(community_id, {}).get(user_id, ()))

    def communities_of(self, user_id: int, roles: Iterable[str]) -> list[Community]:
        """The communities where the user holds any of `roles`."""
        wanted = set(roles)
        return sorted(
            (
                self._communities[cid]
                for cid, holders in self._roles.items()
                if holders.get(user_id, set()) & wanted
            ),
            key=lambda c: c.name,
        )

    def role_holders(self, community_id: int, roles: Iterable[str]) -> list[int]:
        wanted = set(roles)
        return sorted(
            uid for uid, held in self._roles.get(community_id, {}).items() if held & wanted
        )

    def group_chats(self, community_id: int, *, active_only: bool = True) -> list[ChatRecord]:
        grids = {g.id for g in self._grids.values() if g.community_id == community_id}
        return [
            c for c in self._chats.values() if c.grid_id in grids and (c.active or not active_only)
        ]

    async def member_communities(self, bot: Bot, user_id: int) -> list[Community]:
        """The communities in one of whose groups the user is, as far as the bot knows (it asks
        Telegram about one group at most: Memberships.member_chats)."""
        groups = {c.id: {g.id for g in self.group_chats(c.id)} for c in self.communities()}
        everywhere = [chat_id for ids in groups.values() for chat_id in sorted(ids)]
        found = set(await self.memberships.member_chats(bot, user_id, everywhere))
        return [c for c in self.communities() if groups[c.id] & found]

    # -- writes ------------------------------------------------------------------------------

    async def see(
        self,
        user: SeenUser | None,
        chat_id: int | None,
        chat_type: str | None,
        chat_title: str | None,
        *,
        private_message: bool = False,
    ) -> None:
        """Record the sender and chat of an update; costs an await only when something changed."""
        user_row = self._changed_user(user, private_message) if user is not None else None
        chat_row = (
            self._changed_chat(chat_id, chat_type, chat_title)
            if chat_id is not None and chat_type is not None
            else None
        )
        if user_row is None and chat_row is None:
            return
        now = ts(utcnow())

        def write(conn: sqlite3.Connection) -> None:
            if user_row is not None:
                upsert_user(conn, user_row, now)
            if chat_row is not None:
                conn.execute(
                    "INSERT INTO chats (id, type, title, updated_at) VALUES (?,?,?,?)"
                    " ON CONFLICT (id) DO UPDATE SET type=excluded.type, title=excluded.title,"
                    " updated_at=excluded.updated_at",
                    (chat_row.id, chat_row.type, chat_row.title, now),
                )

        await self.db.transaction(write)
        if user_row is not None:
            self._cache_user(user_row)
        if chat_row is not None:
            self._chats[chat_row.id] = chat_row

    def _changed_user(self, user: SeenUser, private_message: bool) -> UserRecord | None:
        """The user's record as this update shows it, or None when the cache already says so.
        A private message means they started the bot (and unblocked it, if they had)."""
        old = self._users.get(user.id)
        candidate = UserRecord(
            user.id,
            user.first_name,
            user.last_name,
            user.username,
            user.language_code,
            old.locale if old else None,
            bool(old and old.started) or private_message,
            bool(old and old.blocked) and not private_message,
        )
        return candidate if candidate != old else None

    def _changed_chat(self, chat_id: int, kind: str, title: str | None) -> ChatRecord | None:
        old = self._chats.get(chat_id)
        if old is None:
            return ChatRecord(chat_id, kind, title, None, None, True)
        if old.title != title or old.type != kind:
            return replace(old, title=title, type=kind)
        return None

    async def register_chat(
        self,
        chat_id: int,
        community_name: str,
        grid_name: str,
        by: int,
        *,
        update_id: int | None = None,
    ) -> Registration:
        """/setup: bind a group to a grid, creating the community and grid when new."""
        chat = self._chats.get(chat_id)
        previous = self.chat_grid(chat_id)
        now = ts(utcnow())

        def write(conn: sqlite3.Connection) -> Registration:
            community, new_community = community_row(conn, community_name, now)
            grid, new_grid = grid_row(conn, community.id, grid_name, now)
            kind, title = (chat.type, chat.title) if chat else ("group", None)
            conn.execute(
                "INSERT INTO chats (id, type, title, grid_id, active, registered_by,"
                " registered_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET grid_id=excluded.grid_id, active=1,"
                " registered_by=excluded.registered_by, registered_at=excluded.registered_at,"
                " updated_at=excluded.updated_at",
                (chat_id, kind, title, grid.id, by, now, now),
            )
            return Registration(community, grid, new_community, new_grid, previous)

        reg = await self.db.transaction(write, update_id=update_id)
        self._communities[reg.community.id] = reg.community
        self._grids[reg.grid.id] = reg.grid
        base = chat or ChatRecord(chat_id, "group", None, None, None, True)
        self._chats[chat_id] = replace(base, grid_id=reg.grid.id, active=True)
        return reg

    async def set_role(
        self,
        user_id: int,
        community_id: int,
        role: str,
        *,
        granted: bool,
        by: int,
        update_id: int | None = None,
    ) -> bool:
        """Grant or revoke; False when there was nothing to change."""
        if role not in set(Role):
            raise ValueError(role)
        held = role in self.roles_of(user_id, community_id)
        if held == granted:
            if update_id is not None:
                await self.db.mark_processed(update_id)
            return False
        now = ts(utcnow())

        def write(conn: sqlite3.Connection) -> None:
            if granted:
                conn.execute(
                    "INSERT INTO roles (user_id, community_id, role, granted_by, granted_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (user_id, community_id, role, by, now),
                )
            else:
                conn.execute(
                    "DELETE FROM roles WHERE user_id = ? AND community_id = ? AND role = ?",
                    (user_id, community_id, role),
                )

        await self.db.transaction(write, update_id=update_id)
        holders = self._roles[community_id].setdefault(user_id, set())
        if granted:
            holders.add(role)
        else:
            holders.discard(role)
        return True

    async def set_user_locale(
        self, user_id: int, locale: str, *, update_id: int | None = None
    ) -> None:
        await self.db.transaction(
            lambda conn: conn.execute(
                "UPDATE users SET locale = ? WHERE id = ?", (locale, user_id)
            ),
            update_id=update_id,
        )
        user = self._users.get(user_id)
        if user is not None:
            self._cache_user(replace(user, locale=locale))

    async def set_chat_locale(
        self, chat_id: int, locale: str, *, update_id: int | None = None
    ) -> None:
        await self.db.transaction(
            lambda conn: conn.execute(
                "UPDATE chats SET locale = ? WHERE id = ?", (locale, chat_id)
            ),
            update_id=update_id,
        )
        chat = self._chats.get(chat_id)
        if chat is not None:
            self._chats[chat_id] = replace(chat, locale=locale)

    async def set_chat_active(self, chat_id: int, active: bool) -> None:
        chat = self._chats.get(chat_id)
        if chat is not None and chat.active == active:
            return
        now = ts(utcnow())
        await self.db.transaction(
            lambda conn: conn.execute(
                "UPDATE chats SET active = ?, updated_at = ? WHERE id = ?",
                (int(active), now, chat_id),
            )
        )
        if chat is not None:
            self._chats[chat_id] = replace(chat, active=active)

    async def set_user_blocked(self, user_id: int, blocked: bool) -> None:
        user = self._users.get(user_id)
        if user is None or user.blocked == blocked:
            return
        await self.db.transaction(
            lambda conn: conn.execute(
                "UPDATE users SET blocked = ? WHERE id = ?", (int(blocked), user_id)
            )
        )
        self._cache_user(replace(user, blocked=blocked))

    async def migrate_chat(self, old_id: int, new_id: int) -> bool:
        """A group upgraded to a supergroup: its registration and history follow the new id."""
        old = self._chats.get(old_id)
        if old is None:
            return False
        now = ts(utcnow())

        def write(conn: sqlite3.Connection) -> None:
            existing = conn.execute("SELECT grid_id FROM chats WHERE id = ?", (new_id,)).fetchone()
            if existing is not None:
                # The new chat was seen first (its own service message); fold it into the old row.
                conn.execute("DELETE FROM chats WHERE id = ?", (new_id,))
            conn.execute(
                "UPDATE chats SET id = ?, type = 'supergroup', updated_at = ? WHERE id = ?",
                (new_id, now, old_id),
            )
            self.memberships.move_chat(conn, old_id, new_id)

        await self.db.transaction(write)
        del self._chats[old_id]
        self._chats[new_id] = replace(old, id=new_id, type="supergroup")
        return True
