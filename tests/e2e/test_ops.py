"""Operations: webhook mode, online backup under write load, graceful shutdown, private logs,
/health."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.db import utcnow
from bot.core.records import SeenUser
from bot.core.registry import Registry
from bot.issues.rules.categories import suggest
from bot.issues.store import NewIssue
from bot.issues.store.writes import insert_issue
from emulator import Emulator
from emulator.harness import process_env
from tests.conftest import SUPERADMIN_ID, World
from tests.e2e.test_crash import ROOT, bot_process, rows
from tests.e2e.test_issues import grid8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_end_to_end(emu: Emulator, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mulin-hook"
    env = process_env(
        emu, tmp_path / "hook.sqlite3", admins=(), MULIN_WEBHOOK_SECRET="s3cret-token"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--webhook",
        url,
        "--listen",
        f"127.0.0.1:{port}",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await emu.wait_for(lambda: bool(emu.calls("setWebhook")), timeout=30)
        hook = emu.calls("setWebhook")[-1]
        assert hook["url"] == url and hook["secret_token"] == "s3cret-token"
        amei = emu.add_user("阿美")
        dm = emu.private_chat(amei)
        await emu.send(amei, dm, "/start")
        await emu.wait_for(lambda: bool(emu.bot_messages(dm)), timeout=15)
        assert "阿美，您好" in (emu.last_bot_message(dm).text or "")
        assert not emu.calls("getUpdates")  # no polling while the webhook is set
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 15) == 0


async def test_backup_while_writing_gives_a_consistent_copy(tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    storage = await Registry.open(db)
    await storage.see(SeenUser(1, "阿美", None, None, "zh"), -1, "group", "群")
    reg = await storage.register_chat(-1, "西安村", "第8网格", by=1)
    stop = asyncio.Event()
    written = 0

    async def write() -> None:
        nonlocal written
        while not stop.is_set():
            text = f"第{written}号问题：楼道灯不亮"
            new = NewIssue(1, reg.community.id, reg.grid.id, None, text, suggest(text))
            await storage.db.transaction(lambda conn, new=new: insert_issue(conn, new, utcnow()))
            written += 1
            await asyncio.sleep(0)  # as the bot does between updates: storage runs on the loop

    writer = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    env = {**os.environ, "MULIN_DB": str(db)}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", str(tmp_path / "copy.sqlite3")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    await asyncio.sleep(0.2)
    stop.set()
    await writer
    await storage.close()
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copied = copy.execute("SELECT count(*) FROM issues").fetchone()[0]
    history = copy.execute("SELECT count(*) FROM issue_history").fetchone()[0]
    assert 0 < copied < written and history == copied  # a consistent moment, mid-stream
    same = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert same.returncode == 2 and "another file" in same.stderr


async def test_sigterm_finishes_what_it_holds_and_exits_0_within_10_seconds(
    emu: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "term.sqlite3"
    admin = emu.add_user("镇管理员", user_id=SUPERADMIN_ID)
    amei = emu.add_user("阿美")
    group = emu.add_group("海景湾二期", creator=admin)
    async with bot_process(emu, db) as proc:
        await emu.add_bot(group, by=admin)
        await emu.send(admin, group, "/setup 西安村 第8网格")
        await emu.wait_for(lambda: len(emu.bot_messages(group)) == 2, timeout=10)
        await emu.send(amei, group, "/report 3号楼门口路灯不亮")
        await emu.wait_for(lambda: rows(db, "SELECT count(*) FROM issues") == [(1,)], timeout=10)
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 12)
        took = time.monotonic() - began
    assert code == 0 and took < 10
    cards = [m for m in emu.bot_messages(group) if (m.text or "").startswith("#1")]
    pending = rows(db, "SELECT count(*) FROM outbox WHERE done_at IS NULL")[0][0]
    assert len(cards) + pending == 1  # sent, or kept to be sent after the restart
    async with bot_process(emu, db):
        await emu.wait_for(
            lambda: any((m.text or "").startswith("#1") for m in emu.bot_messages(group)),
            timeout=15,
        )
        await emu.wait_idle(quiet=0.3)
    assert len([m for m in emu.bot_messages(group) if (m.text or "").startswith("#1")]) == 1


async def test_info_logs_carry_no_message_text(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    g = await grid8(world)
    secret_text = "3号楼门口的路灯坏了好几天"
    await world.say(g.amei, g.group, f"/report {secret_text}")
    await world.say(g.lin, g.group, "/addcontact party 林先生 13812345678")
    await world.say(g.bo, world.emu.private_chat(g.bo), "随便说一句悄悄话")
    logged = caplog.text
    for private in (secret_text, "13812345678", "林先生", "悄悄话", "阿美"):
        assert private not in logged, private
    assert "command:report in group: ok" in logged
    assert "command:addcontact in group: ok" in logged
    assert "text in private: ok" in logged


async def test_health_is_for_superadmins(world: World) -> None:
    g = await grid8(world)
    refused = await world.say_one(g.chen, world.emu.private_chat(g.chen), "/health")
    assert "只有超级管理员" in (refused.text or "")
    admin = world.superadmin()
    shown = await world.say_one(admin, world.emu.private_chat(admin), "/health")
    text = shown.text or ""
    assert "运行状态" in text and "待发消息：0" in text and "最近错误：无" in text and "MB" in text
