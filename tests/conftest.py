"""The end-to-end harness: the real bot, a real SQLite file, the emulator over real HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.app import MulinApp, build_application, running
from bot.config import Settings
from emulator import Chat, Emulator, Message, User

SUPERADMIN_ID = 900001
TOKEN = "123456:TEST-TOKEN"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "provokes_api_errors: the test makes the emulator answer errors on purpose"
    )


@dataclass
class World:
    """A small town: an emulator, a bot, and people to act as; every step waits for the bot."""

    emu: Emulator
    settings: Settings
    app: MulinApp | None = None
    people: dict[str, User] = field(default_factory=dict)
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    async def start_bot(self) -> MulinApp:
        self.app = await self._stack.enter_async_context(
            running(build_application(self.settings), poll_timeout=5)
        )
        return self.app

    async def stop_bot(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self.app = None

    async def restart_bot(self) -> MulinApp:
        await self.stop_bot()
        return await self.start_bot()

    def person(
        self,
        name: str,
        *,
        username: str | None = None,
        lang: str = "zh-hans",
        user_id: int | None = None,
    ) -> User:
        user = self.emu.add_user(name, username=username, language_code=lang, user_id=user_id)
        self.people[name] = user
        return user

    async def say(
        self, user: User, chat: Chat, text: str, *, reply_to: Message | None = None
    ) -> list[Message]:
        """Send a message and return what the bot sent in that chat in answer (after edits)."""
        before = {m.message_id for m in self.emu.bot_messages(chat)}
        await self.emu.send(user, chat, text, reply_to=reply_to)
        await self.settle()
        return [m for m in self.emu.bot_messages(chat) if m.message_id not in before]

    async def say_one(
        self, user: User, chat: Chat, text: str, *, reply_to: Message | None = None
    ) -> Message:
        replies = await self.say(user, chat, text, reply_to=reply_to)
        assert len(replies) == 1, [m.text for m in replies]
        return replies[0]

    async def press(self, user: User, message: Message, label: str) -> Any:
        answer = await self.emu.press(user, message, label)
        await self.settle()
        return answer

    async def settle(self) -> None:
        """Wait until the bot has handled every update and sent everything it queued."""
        await self.emu.wait_idle()
        if self.app is not None:
            await self.app.update_queue.join()
            outbox = getattr(self.app.bot_data, "outbox", None)
            if outbox is not None:
                await outbox.idle()
        await self.emu.wait_idle()

    async def group(self, title: str, *, admin: User) -> Chat:
        chat = self.emu.add_group(title, creator=admin)
        await self.emu.add_bot(chat, by=admin)
        await self.settle()
        return chat

    async def registered_group(self, title: str, community: str, grid: str) -> Chat:
        admin = self.people.get("superadmin") or self.superadmin()
        chat = await self.group(title, admin=admin)
        await self.say(admin, chat, f"/setup {community} {grid}")
        return chat

    def superadmin(self) -> User:
        if "superadmin" not in self.people:
            self.people["superadmin"] = self.emu.add_user(
                "镇管理员", username="town_admin", language_code="zh-hans", user_id=SUPERADMIN_ID
            )
        return self.people["superadmin"]


@pytest.fixture
async def emu(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, bot_username="mulin_bot", bot_name="睦邻") as emulator:
        yield emulator
        if request.node.get_closest_marker("provokes_api_errors") is None:
            assert emulator.errors == [], f"the bot caused API errors: {emulator.errors}"


@pytest.fixture
def settings(tmp_path: Path, emu: Emulator) -> Settings:
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emu.api_url,
            "MULIN_DB": str(tmp_path / "mulin.sqlite3"),
            "MULIN_ADMINS": str(SUPERADMIN_ID),
            # each card edit is checked right after its press; the interval has tests of its own
            "MULIN_CARD_EDIT_SECONDS": "0",
        }
    )


@pytest.fixture
async def world(emu: Emulator, settings: Settings) -> AsyncIterator[World]:
    w = World(emu, settings)
    w.superadmin()
    await w.start_bot()
    try:
        yield w
    finally:
        await w.stop_bot()
