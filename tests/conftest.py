"""The end-to-end fixtures: the real bot, a real SQLite file, the emulator over real HTTP.

The world itself (people, say, press, settle, …) is emulator/harness.py, shared with the demo
and the benchmarks; World, SUPERADMIN_ID and TOKEN stay importable from here for the tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from emulator import Emulator
from emulator.harness import SUPERADMIN_ID, World, bot_settings

__all__ = ["SUPERADMIN_ID", "TOKEN", "World"]

TOKEN = "123456:TEST-TOKEN"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "provokes_api_errors: the test makes the emulator answer errors on purpose"
    )


@pytest.fixture
async def emu(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, bot_username="mulin_bot", bot_name="睦邻") as emulator:
        yield emulator
        if request.node.get_closest_marker("provokes_api_errors") is None:
            assert emulator.errors == [], f"the bot caused API errors: {emulator.errors}"


@pytest.fixture
def settings(tmp_path: Path, emu: Emulator) -> Settings:
    # each card edit is checked right after its press; the interval has tests of its own
    return bot_settings(emu, tmp_path / "mulin.sqlite3", MULIN_CARD_EDIT_SECONDS="0")


@pytest.fixture
async def world(emu: Emulator, settings: Settings) -> AsyncIterator[World]:
    w = World(emu, settings)
    w.superadmin()
    await w.start_bot()
    try:
        yield w
    finally:
        await w.stop_bot()
