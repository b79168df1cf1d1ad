"""Storage on a real SQLite file: migrations, caches that survive a reopen, dedupe of updates."""

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.core.db import (
    LATEST_VERSION,
    AlreadyProcessed,
    Database,
    DatabaseTooNew,
    migrate_file,
    utcnow,
)
from bot.core.records import SeenUser
from bot.core.registry import Registry


async def test_migrations_apply_once_and_set_pragmas(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert migrate_file(db) == (0, LATEST_VERSION)
    assert migrate_file(db) == (LATEST_VERSION, LATEST_VERSION)
    storage = await Registry.open(db)
    try:
        assert await storage.db.schema_version() == LATEST_VERSION
        assert (await storage.db.query("PRAGMA journal_mode"))[0][0] == "wal"
        assert (await storage.db.query("PRAGMA foreign_keys"))[0][0] == 1
        tables = {
            r[0]
            for r in await storage.db.query("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"users", "chats", "communities", "grids", "roles", "processed_updates"} <= tables
    finally:
        await storage.close()


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "n.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version={LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew, match="newer"):
        await Registry.open(db)


async def test_a_failed_migration_leaves_no_half_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.core.db as st

    good = st._migrations()
    broken = [*good, (len(good) + 1, "9999_broken.sql", "CREATE TABLE half (x);\nNOT SQL;")]
    monkeypatch.setattr(st, "_migrations", lambda: broken)
    monkeypatch.setattr(st, "LATEST_VERSION", len(broken))
    db = tmp_path / "b.sqlite3"
    with pytest.raises(st.StorageError, match="9999_broken"):
        migrate_file(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(good)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='half'").fetchone()[0] == 0


async def test_registration_roles_and_locales_survive_a_reopen(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    storage = await Registry.open(db)
    await storage.see(SeenUser(7, "阿美", None, "amei", "zh-hans"), -100, "group", "海景湾二期")
    reg = await storage.register_chat(-100, "西安村", "第8网格", by=7, update_id=1)
    assert reg.new_community and reg.new_grid
    assert await storage.set_role(7, reg.community.id, "grid", granted=True, by=1, update_id=2)
    assert not await storage.set_role(7, reg.community.id, "grid", granted=True, by=1)
    await storage.set_chat_locale(-100, "en")
    await storage.set_user_locale(7, "en")
    await storage.close()

    again = await Registry.open(db)
    try:
        grid = again.chat_grid(-100)
        assert grid is not None and grid.name == "第8网格"
        community = again.community(grid.community_id)
        assert community is not None and community.name == "西安村"
        assert again.roles_of(7, community.id) == {"grid"}
        assert again.user_by_username("@AMEI") is not None
        chat = again.chat(-100)
        assert chat is not None and chat.locale == "en"
        user = again.user(7)
        assert user is not None and user.locale == "en"
        assert again.db.is_processed(1) and again.db.is_processed(2)
        second = await again.register_chat(-200, "西安村", "第9网格", by=7)
        assert not second.new_community and second.new_grid
        assert [c.id for c in again.group_chats(community.id)] == [-100, -200] or {
            c.id for c in again.group_chats(community.id)
        } == {-100, -200}
    finally:
        await again.close()


async def test_an_update_has_one_effect(tmp_path: Path) -> None:
    storage = await Registry.open(tmp_path / "d.sqlite3")
    try:
        await storage.register_chat(-1, "鸿塔社区", "第1网格", by=1, update_id=42)
        with pytest.raises(AlreadyProcessed):
            await storage.register_chat(-1, "鸿塔社区", "第2网格", by=1, update_id=42)
        grid = storage.chat_grid(-1)
        assert grid is not None and grid.name == "第1网格"
        rows = await storage.db.query("SELECT count(*) FROM grids")
        assert rows[0][0] == 1
    finally:
        await storage.close()


async def test_supergroup_upgrade_keeps_the_registration(tmp_path: Path) -> None:
    storage = await Registry.open(tmp_path / "m.sqlite3")
    try:
        await storage.see(None, -5, "group", "海景湾三期")
        await storage.register_chat(-5, "西安村", "第8网格", by=1)
        await storage.see(None, -1005, "supergroup", "海景湾三期")  # the new chat seen first
        assert await storage.migrate_chat(-5, -1005)
        assert not await storage.migrate_chat(-5, -1005)  # the second service message: no-op
        grid = storage.chat_grid(-1005)
        assert grid is not None and grid.name == "第8网格"
        assert storage.chat(-5) is None
        rows = await storage.db.query("SELECT id, type, grid_id FROM chats")
        assert rows == [(-1005, "supergroup", grid.id)]
    finally:
        await storage.close()


async def test_see_writes_only_what_changed(tmp_path: Path) -> None:
    storage = await Registry.open(tmp_path / "u.sqlite3")
    try:
        u = SeenUser(9, "老陈", None, None, "en")
        await storage.see(u, 9, "private", None, private_message=True)
        before = await storage.db.query("SELECT last_seen FROM users WHERE id = 9")
        await storage.see(u, 9, "private", None, private_message=True)
        assert await storage.db.query("SELECT last_seen FROM users WHERE id = 9") == before
        user = storage.user(9)
        assert user is not None and user.started
    finally:
        await storage.close()


async def test_slow_work_side_by_side_takes_turns(tmp_path: Path) -> None:
    """Two month reports and the daily pruning at once share the one slow connection in turn
    (each of them opened a transaction there: side by side they used to collide)."""
    db = await Database.open(tmp_path / "slow.sqlite3")

    async def report(conn: aiosqlite.Connection) -> int:
        await conn.execute("BEGIN")
        try:
            await asyncio.sleep(0.01)  # another slow use arrives meanwhile
            rows = list(await conn.execute_fetchall("SELECT count(*) FROM issues"))
        finally:
            await conn.execute("COMMIT")
        return int(rows[0][0])

    try:
        done = await asyncio.gather(
            db.read_slow(report), db.read_slow(report), db.prune_processed(utcnow())
        )
        assert done == [0, 0, 0]
    finally:
        await db.close()


async def test_a_cancelled_slow_write_still_ends_its_transaction(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "cancel.sqlite3")

    async def slow_delete(conn: aiosqlite.Connection) -> None:
        await conn.execute("DELETE FROM processed_updates")
        await asyncio.sleep(0.05)

    try:
        task = asyncio.create_task(db.write_slow(slow_delete))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # the loop's next write neither blocks on SQLite's lock nor finds a transaction open
        await asyncio.wait_for(
            db.transaction(lambda conn: conn.execute("DELETE FROM processed_updates")), 1
        )
    finally:
        await db.close()


async def test_the_wal_is_checkpointed_beside_the_loop(tmp_path: Path) -> None:
    """The loop's connection never checkpoints (a commit crossing 1,000 pages would fsync on
    the event loop); the slow connection does it every CHECKPOINT_ROWS rows: 8,000 one-row
    commits, about a page of WAL each, leave a WAL of some 2,000 pages, not one of 8,000."""
    path = tmp_path / "wal.sqlite3"
    db = await Database.open(path)
    try:
        autocheckpoint = await db.query("PRAGMA wal_autocheckpoint")
        assert autocheckpoint == [(0,)]
        for update_id in range(8000):
            await db.mark_processed(update_id)
            if update_id % 500 == 0:
                await asyncio.sleep(0)  # the checkpoint runs in aiosqlite's thread meanwhile
        wal = path.with_name(path.name + "-wal").stat().st_size
        assert wal < 12 * 2**20, wal
    finally:
        await db.close()
