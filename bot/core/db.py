"""Storage: one SQLite database behind one aiosqlite connection.

Each awaited query in aiosqlite's thread costs a hand-off (0.1–0.2 ms), so every use case is
one method that runs all its reads and writes as a single function inside one transaction;
short ones (nearly all) run on the event loop itself, slow ones in aiosqlite's thread. What rarely changes (users, chats, grids,
communities, roles, processed update ids) is cached in memory and updated by the writes that
change it, so reading it costs nothing. Storage returns data, never text for users.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")

ROLES: tuple[str, ...] = ("grid", "property", "community", "organizer")
PROCESSED_KEEP = timedelta(days=14)


class StorageError(Exception):
    """A database problem the operator must act on (message says what)."""


class DatabaseTooNew(StorageError):
    pass


class AlreadyProcessed(Exception):
    """This update's effect is already in the database: a redelivery, to be ignored silently."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    locale: str | None
    started: bool
    blocked: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True, slots=True)
class SeenUser:
    """What an update tells about its sender."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Grid:
    id: int
    community_id: int
    name: str


@dataclass(frozen=True, slots=True)
class ChatRecord:
    id: int
    type: str
    title: str | None
    grid_id: int | None
    locale: str | None
    active: bool

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass(frozen=True, slots=True)
class Registration:
    """The outcome of /setup, so the handler can say exactly what happened."""

    community: Community
    grid: Grid
    new_community: bool
    new_grid: bool
    previous_grid: Grid | None


def _migrations() -> list[tuple[int, str, str]]:
    """The numbered SQL files in bot/migrations, in order; append-only."""
    found = []
    for entry in resources.files("bot.core.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (number, name, _) in enumerate(found, start=1):
        if number != expected:
            raise StorageError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


LATEST_VERSION = len(_migrations())


def _connect_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")


def apply_migrations(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bring the schema to LATEST_VERSION, one transaction per migration; refuse a newer database."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > LATEST_VERSION:
        raise DatabaseTooNew(
            f"the database is at schema version {current}, newer than this Mulin knows "
            f"({LATEST_VERSION}); upgrade Mulin or use a backup made with this version"
        )
    start = current
    for number, name, sql in _migrations():
        if number <= current:
            continue
        try:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StorageError(f"migration {name} failed: {exc}") from exc
        current = number
    return start, current


class Storage:
    """The bot's database and its in-memory caches of what rarely changes."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._users: dict[int, UserRecord] = {}
        self._usernames: dict[str, int] = {}
        self._chats: dict[int, ChatRecord] = {}
        self._communities: dict[int, Community] = {}
        self._grids: dict[int, Grid] = {}
        self._roles: dict[int, dict[int, set[str]]] = defaultdict(dict)  # community → user → roles
        self._processed: set[int] = set()
        self._busy = asyncio.Lock()  # held while aiosqlite's thread has the connection
        # Set after a commit that queued outbox messages: wakes the outbox worker.
        self.outbox_signal = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path) -> Storage:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
        storage = cls(db, path)
        try:
            await storage.run(_connect_pragmas)
            await storage.run(apply_migrations)
            await storage.run(storage._load_caches)
        except BaseException:
            await db.close()
            raise
        return storage

    async def close(self) -> None:
        await self._db.close()

    async def run(self, fn: Callable[[sqlite3.Connection], T], *, slow: bool = False) -> T:
        """Run fn with the raw connection: the whole use case in one go.

        A use case takes well under a millisecond, less than handing it to aiosqlite's thread
        and back (the hand-off, the thread's wake-up and the GIL's, measured in
        bench/throughput.py), and updates are handled one at a time anyway: so it runs right
        here on the event loop. `slow` ones (statistics of a town's month, pruning) run in
        aiosqlite's thread while the bot goes on; the lock keeps the two from ever using the
        connection at the same time.
        """
        conn: sqlite3.Connection = self._db._conn
        if slow:
            async with self._busy:
                result: T = await self._db._execute(fn, conn)  # type: ignore[no-untyped-call]
                return result
        if self._busy.locked():
            async with self._busy:
                return fn(conn)
        return fn(conn)

    async def transaction(
        self,
        fn: Callable[[sqlite3.Connection], T],
        *,
        update_id: int | None = None,
        slow: bool = False,
    ) -> T:
        """fn inside BEGIN IMMEDIATE … COMMIT, with the update's id recorded in the same commit."""

        def body(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if update_id is not None:
                    try:
                        conn.execute(
                            "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
                            (update_id, ts(utcnow())),
                        )
                    except sqlite3.IntegrityError:
                        raise AlreadyProcessed(update_id) from None
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return result

        result = await self.run(body, slow=slow)
        if update_id is not None:
            self._processed.add(update_id)
        return result

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
        since = ts(utcnow() - PROCESSED_KEEP)
        self._processed = {
            r[0]
            for r in conn.execute(
                "SELECT update_id FROM processed_updates WHERE processed_at >= ?", (since,)
            )
        }

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

    def is_processed(self, update_id: int) -> bool:
        return update_id in self._processed

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
        user_row: UserRecord | None = None
        if user is not None:
            old = self._users.get(user.id)
            started = bool(old and old.started) or private_message
            blocked = bool(old and old.blocked) and not private_message
            candidate = UserRecord(
                user.id,
                user.first_name,
                user.last_name,
                user.username,
                user.language_code,
                old.locale if old else None,
                started,
                blocked,
            )
            if candidate != old:
                user_row = candidate
        chat_row: ChatRecord | None = None
        if chat_id is not None and chat_type is not None:
            old_chat = self._chats.get(chat_id)
            if old_chat is None or old_chat.title != chat_title or old_chat.type != chat_type:
                chat_row = (
                    replace(old_chat, title=chat_title, type=chat_type)
                    if old_chat
                    else ChatRecord(chat_id, chat_type, chat_title, None, None, True)
                )
        if user_row is None and chat_row is None:
            return
        now = ts(utcnow())

        def write(conn: sqlite3.Connection) -> None:
            if user_row is not None:
                conn.execute(
                    "INSERT INTO users (id, first_name, last_name, username, language_code,"
                    " started, blocked, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (id) DO UPDATE SET first_name=excluded.first_name,"
                    " last_name=excluded.last_name, username=excluded.username,"
                    " language_code=excluded.language_code, started=excluded.started,"
                    " blocked=excluded.blocked, last_seen=excluded.last_seen",
                    (
                        user_row.id,
                        user_row.first_name,
                        user_row.last_name,
                        user_row.username,
                        user_row.language_code,
                        int(user_row.started),
                        int(user_row.blocked),
                        now,
                        now,
                    ),
                )
            if chat_row is not None:
                conn.execute(
                    "INSERT INTO chats (id, type, title, updated_at) VALUES (?,?,?,?)"
                    " ON CONFLICT (id) DO UPDATE SET type=excluded.type, title=excluded.title,"
                    " updated_at=excluded.updated_at",
                    (chat_row.id, chat_row.type, chat_row.title, now),
                )

        await self.transaction(write)
        if user_row is not None:
            self._cache_user(user_row)
        if chat_row is not None:
            self._chats[chat_row.id] = chat_row

    async def mark_processed(self, update_id: int) -> None:
        """For updates whose handling wrote nothing: a redelivery then gets no second reply."""
        if update_id in self._processed:
            return
        now = ts(utcnow())
        await self.run(
            lambda conn: conn.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
                (update_id, now),
            )
        )
        self._processed.add(update_id)

    async def prune_processed(self, now: datetime) -> int:
        cutoff = ts(now - PROCESSED_KEEP)
        deleted: int = await self.run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM processed_updates WHERE processed_at < ?", (cutoff,)
                ).rowcount
            ),
            slow=True,
        )
        return deleted

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
            row = conn.execute(
                "SELECT id, name FROM communities WHERE name = ?", (community_name,)
            ).fetchone()
            new_community = row is None
            if row is None:
                row = conn.execute(
                    "INSERT INTO communities (name, created_at) VALUES (?, ?) RETURNING id, name",
                    (community_name, now),
                ).fetchone()
            community = Community(row[0], row[1])
            grow = conn.execute(
                "SELECT id, name FROM grids WHERE community_id = ? AND name = ?",
                (community.id, grid_name),
            ).fetchone()
            new_grid = grow is None
            if grow is None:
                grow = conn.execute(
                    "INSERT INTO grids (community_id, name, created_at) VALUES (?, ?, ?)"
                    " RETURNING id, name",
                    (community.id, grid_name, now),
                ).fetchone()
            grid = Grid(grow[0], community.id, grow[1])
            conn.execute(
                "INSERT INTO chats (id, type, title, grid_id, active, registered_by,"
                " registered_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET grid_id=excluded.grid_id, active=1,"
                " registered_by=excluded.registered_by, registered_at=excluded.registered_at,"
                " updated_at=excluded.updated_at",
                (
                    chat_id,
                    chat.type if chat else "group",
                    chat.title if chat else None,
                    grid.id,
                    by,
                    now,
                    now,
                ),
            )
            return Registration(community, grid, new_community, new_grid, previous)

        reg = await self.transaction(write, update_id=update_id)
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
        if role not in ROLES:
            raise ValueError(role)
        held = role in self.roles_of(user_id, community_id)
        if held == granted:
            if update_id is not None:
                await self.mark_processed(update_id)
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

        await self.transaction(write, update_id=update_id)
        holders = self._roles[community_id].setdefault(user_id, set())
        if granted:
            holders.add(role)
        else:
            holders.discard(role)
        return True

    async def set_user_locale(
        self, user_id: int, locale: str, *, update_id: int | None = None
    ) -> None:
        await self.transaction(
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
        await self.transaction(
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
        await self.transaction(
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
        await self.transaction(
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

        await self.transaction(write)
        del self._chats[old_id]
        self._chats[new_id] = replace(old, id=new_id, type="supergroup")
        return True

    async def schema_version(self) -> int:
        version: int = await self.run(
            lambda conn: int(conn.execute("PRAGMA user_version").fetchone()[0])
        )
        return version

    async def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL for tooling (export, health, tests of the schema)."""
        rows: list[tuple[Any, ...]] = await self.run(
            lambda conn: [tuple(r) for r in conn.execute(sql, params).fetchall()]
        )
        return rows


def migrate_file(path: Path) -> tuple[int, int]:
    """`python -m bot migrate`: synchronous, so it runs without an event loop."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _connect_pragmas(conn)
        return apply_migrations(conn)
    finally:
        conn.close()


def from_ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
