"""The database: one SQLite file in WAL mode, its migrations, and how use cases reach it.

Every use case is one function of a `sqlite3.Connection` that does all its reads and writes in
one go (one transaction), because each hand-off to a database thread costs 0.1–0.2 ms — more
than a use case itself (DESIGN "Performance shapes storage"). Two connections, both owned
through public APIs only:

- the **loop connection**, a plain `sqlite3` connection used right on the event loop for the
  short use cases (nearly all: well under a millisecond each). Measured in
  bench/throughput.py: running them on the loop instead of a database thread took Mulin's CPU
  per update from 6.9 to 1.7 ms (the hand-off, the thread's wake-up and the GIL's).
- the **slow connection**, an `aiosqlite` connection, for what may take long (a month's
  statistics, the town's daily follow-up read, pruning): it runs in aiosqlite's own thread
  while the bot goes on. Reads there never block the loop (WAL readers do not wait for
  writers). A slow *write* holds `_writing`, and the loop's transactions wait for that lock
  with `await` instead of blocking the event loop on SQLite's write lock.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")
log = logging.getLogger(__name__)


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


def _migrations() -> list[tuple[int, str, str]]:
    """The numbered SQL files in bot/core/migrations, in order; append-only."""
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


_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",  # WAL + NORMAL: durable across process crashes
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


class Connection(sqlite3.Connection):
    """The loop's connection, with room for what features derive from the data and keep in
    memory while it is open (bot/issues/store/signatures.py: the near-duplicate index)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.derived: dict[str, object] = {}


def derived(conn: sqlite3.Connection) -> dict[str, object]:
    """The connection's derived data; a plain connection (a tool's, a test's) keeps none."""
    return conn.derived if isinstance(conn, Connection) else {}


def _connect_pragmas(conn: sqlite3.Connection) -> None:
    for pragma in _PRAGMAS:
        conn.execute(pragma)


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


CHECKPOINT_ROWS = 2000  # rows written between two WAL checkpoints: some 1,000 pages


class Database:
    """The two connections, the transactions use cases run in, and the processed update ids."""

    def __init__(self, path: Path, conn: sqlite3.Connection, slow: aiosqlite.Connection) -> None:
        self.path = path
        self._conn = conn
        self._slow = slow
        self._slow_lock = asyncio.Lock()  # one use of the slow connection at a time
        self._writing = asyncio.Lock()  # held while the slow connection writes
        self._processed: set[int] = set()
        # Set after a commit that queued outbox messages: wakes the outbox worker.
        self.outbox_signal = asyncio.Event()
        self._checkpointed_at = conn.total_changes  # rows written by then
        self._checkpoint: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, factory=Connection
        )
        slow: aiosqlite.Connection | None = None
        try:
            _connect_pragmas(conn)
            conn.execute("PRAGMA wal_autocheckpoint=0")  # Database._start_checkpoint does it
            apply_migrations(conn)
            # aiosqlite's worker thread is not a daemon: a connection left open on a failed
            # start would keep the process alive, so every path below closes it.
            slow = await aiosqlite.connect(path, isolation_level=None)
            for pragma in _PRAGMAS:
                await slow.execute(pragma)
            db = cls(path, conn, slow)
            db._processed = _recent_updates(conn)
        except BaseException:
            if slow is not None:
                await slow.close()
            conn.close()
            raise
        return db

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        try:
            await self._slow.close()
        finally:
            self._conn.close()

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """A short use case on the loop connection (waits while a slow write is under way)."""
        if self._writing.locked():
            async with self._writing:
                result = fn(self._conn)
        else:
            result = fn(self._conn)
        if self._conn.total_changes - self._checkpointed_at >= CHECKPOINT_ROWS:
            self._start_checkpoint()
        return result

    def _start_checkpoint(self) -> None:
        """The loop's connection never checkpoints (wal_autocheckpoint=0): SQLite would do it
        inside whichever commit crossed 1,000 pages, fsync included, and hold up every update
        meanwhile (a 36 ms reply under light load). The slow connection's thread does it,
        every CHECKPOINT_ROWS rows written. The loop's writers wait for it as for a slow write
        (awaiting, the loop goes on): a checkpoint with no write beside it is complete, so
        the next write starts the WAL over and it stays small under any load."""
        if self._checkpoint is not None and not self._checkpoint.done():
            return
        self._checkpointed_at = self._conn.total_changes
        self._checkpoint = asyncio.get_running_loop().create_task(self._checkpoint_wal())

    async def _checkpoint_wal(self) -> None:
        try:
            async with self._slow_lock, self._writing:
                await self._slow.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the next one tries again; the WAL only grows meanwhile
            log.exception("WAL checkpoint failed")

    async def transaction(
        self, fn: Callable[[sqlite3.Connection], T], *, update_id: int | None = None
    ) -> T:
        """fn inside BEGIN IMMEDIATE … COMMIT, with the update's id recorded in the same commit:
        a redelivered update then finds its id taken and has no second effect."""

        def body(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if update_id is not None:
                    _record_update(conn, update_id)
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return result

        result = await self.run(body)
        if update_id is not None:
            self._processed.add(update_id)
        return result

    async def read_slow(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """A long read in aiosqlite's thread: WAL lets it run beside the loop's writes. Shielded:
        a cancelled caller does not leave the connection half-way through fn (a transaction
        begun and never ended), and the next slow use waits for it."""
        return await asyncio.shield(self._slowly(fn, write=False))

    async def write_slow(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """A long write in aiosqlite's thread, in one transaction; meanwhile the loop's use
        cases wait for `_writing` rather than for SQLite's write lock (which would block the
        whole event loop for up to busy_timeout). Shielded like read_slow."""
        return await asyncio.shield(self._slowly(fn, write=True))

    async def _slowly(
        self, fn: Callable[[aiosqlite.Connection], Awaitable[T]], *, write: bool
    ) -> T:
        async with self._slow_lock:
            if not write:
                return await fn(self._slow)
            async with self._writing:
                await self._slow.execute("BEGIN IMMEDIATE")
                try:
                    result = await fn(self._slow)
                    await self._slow.execute("COMMIT")
                except BaseException:
                    await self._slow.execute("ROLLBACK")
                    raise
                return result

    # -- processed updates ---------------------------------------------------------------------

    def is_processed(self, update_id: int) -> bool:
        return update_id in self._processed

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

        async def delete(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(
                "DELETE FROM processed_updates WHERE processed_at < ?", (cutoff,)
            )
            return cursor.rowcount

        deleted = await self.write_slow(delete)
        return deleted

    # -- tooling ---------------------------------------------------------------------------------

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


def _recent_updates(conn: sqlite3.Connection) -> set[int]:
    since = ts(utcnow() - PROCESSED_KEEP)
    return {
        r[0]
        for r in conn.execute(
            "SELECT update_id FROM processed_updates WHERE processed_at >= ?", (since,)
        )
    }


def _record_update(conn: sqlite3.Connection, update_id: int) -> None:
    try:
        conn.execute(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            (update_id, ts(utcnow())),
        )
    except sqlite3.IntegrityError:
        raise AlreadyProcessed(update_id) from None


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
