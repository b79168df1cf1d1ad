"""The stage a Mulin benchmark plays on: emulator/harness.py's world (the real bot in this
process and event loop, a temp database, the emulator over real HTTP) as a benchmark needs it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from emulator.harness import World, scripted_world

TOKEN = "424242:BENCH"
SETTLE_WITHIN = 120.0  # a burst of presses takes a while to settle; a stuck bot must not hang


@asynccontextmanager
async def mulin_stage() -> AsyncIterator[World]:
    """The running bot on a fresh temp database, with the superadmin as a user. Settling waits
    for card edits held back by the edit interval (MULIN_CARD_EDIT_SECONDS) too: a benchmark
    reads the cards after a burst, and the interval stays as shipped."""
    async with scripted_world(
        token=TOKEN,
        bot_username="mulin_bench_bot",
        prefix="mulin-bench-",
        db_name="bench.sqlite3",
        drain=True,
        settle_within=SETTLE_WITHIN,
    ) as stage:
        stage.superadmin()
        yield stage
