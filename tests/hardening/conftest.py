"""What the hardening tests share: a bot without its own pacing, the database read from outside,
the bot's apology, and a way to run Hypothesis against the bot's event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.config import Settings
from emulator import Emulator, Message
from tests.conftest import World

T = TypeVar("T")

# The error handler's answer to a crash (bot/core/errors.py), in both catalogs.
APOLOGIES = ("抱歉，我这边出了点问题", "Sorry, something went wrong")


def unpaced(settings: Settings) -> Settings:
    """The bot without its own pacing (the documented MULIN_RATE_* settings at 0). These tests
    are about answers, permissions and crashes, not pacing; paced, the fuzz would spend most of
    its time waiting. The emulator still checks every request; the SIGKILL test runs the bot
    as shipped."""
    return replace(settings, rate_overall=0.0, rate_group=0.0)


@pytest.fixture
async def fast(world: World) -> World:
    """The harness's world (the real bot, the emulator over HTTP, a SQLite file), unpaced."""
    await world.restart_bot(unpaced(world.settings))
    return world


def db_rows(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database from outside, read-only, as an operator would."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def outbox_sent(path: Path) -> set[tuple[int, str]]:
    """(chat, text) of every message the outbox sent: notifications, cards, alerts — not the
    answer to the command just sent (a bot message's `html` is the text exactly as sent)."""
    rows = db_rows(
        path, "SELECT chat_id, text FROM outbox WHERE outcome = 'sent' AND method = 'send'"
    )
    return {(int(chat), str(text)) for chat, text in rows}


def apologies(messages: list[Message]) -> list[str]:
    return [
        m.text or m.caption or ""
        for m in messages
        if any(a in (m.text or m.caption or "") for a in APOLOGIES)
    ]


class Watch:
    """Every bot message in every chat since the last look (for apologies anywhere)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.seen: dict[int, int] = {}

    def new(self) -> list[Message]:
        fresh = []
        for chat_id in list(self.emu.world.chats):
            last = self.seen.get(chat_id, 0)
            messages = [m for m in self.emu.bot_messages(chat_id) if m.message_id > last]
            if messages:
                self.seen[chat_id] = max(m.message_id for m in messages)
                fresh += messages
        return fresh


def on_loop(
    loop: asyncio.AbstractEventLoop, timeout: float = 120
) -> Callable[[Coroutine[Any, Any, T]], T]:
    """For a Hypothesis test run in a worker thread: run one example's coroutine on the loop
    that runs the bot, and wait for it (its AssertionError becomes Hypothesis's failure)."""

    def run(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

    return run
