"""A scripted world for the tests, the demo and the benchmarks: the real bot, in this process and
event loop, on a SQLite file, against the Bot API emulator over real HTTP, with people to act as.

Test tooling, kept beside the emulator rather than in the bot: the bot never imports it, and
pointing TELEGRAM_API_URL at the emulator is the only thing that differs from production. Every
step a person takes waits for the bot to settle, so what a caller reads afterwards is final.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import MulinApp, build_application, running
from bot.config import Settings

from .state import CallbackAnswer, Chat, Message, User
from .testapi import Emulator

SUPERADMIN_ID = 900001  # in MULIN_ADMINS: holds every role
SUPERADMIN = ("镇管理员", "town_admin")  # first name and username, as residents see them
POLL_TIMEOUT = 5  # long-poll seconds: short, so that stopping the bot does not wait long


def bot_env(
    emu: Emulator, db: Path, *, admins: Iterable[int] = (SUPERADMIN_ID,), **extra: str
) -> dict[str, str]:
    """The settings that point the bot at this emulator and database: the only thing a test
    changes about the bot, whether it runs in this process or as `python -m bot run`."""
    env = {"TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_API_URL": emu.api_url, "MULIN_DB": str(db)}
    ids = ",".join(str(i) for i in admins)
    if ids:
        env["MULIN_ADMINS"] = ids
    return {**env, **extra}


def process_env(
    emu: Emulator, db: Path, *, admins: Iterable[int] = (SUPERADMIN_ID,), **extra: str
) -> dict[str, str]:
    """bot_env for a child process: this environment without the caller's own MULIN_* and
    TELEGRAM_* settings, which would otherwise leak a developer's real bot into a test."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("MULIN_", "TELEGRAM_"))}
    return {**inherited, **bot_env(emu, db, admins=admins, **extra)}


def bot_settings(
    emu: Emulator, db: Path, *, admins: Iterable[int] = (SUPERADMIN_ID,), **extra: str
) -> Settings:
    return Settings.from_env(bot_env(emu, db, admins=admins, **extra))


@dataclass
class World:
    """An emulator, the bot (started and stopped at will) and the people a script acts as.

    `drain`: settling also waits for card edits the edit interval holds back, for callers
    that read cards after a burst (the benchmarks). `settle_within`: a bound on one settle,
    for callers whose steps may legitimately take longer than the emulator's default wait.
    """

    emu: Emulator
    settings: Settings
    app: MulinApp | None = None
    people: dict[str, User] = field(default_factory=dict)
    drain: bool = False
    settle_within: float | None = None
    superadmin_id: int = SUPERADMIN_ID
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def running_app(self) -> MulinApp:
        """The app for callers that only act while the bot runs (so need no None check)."""
        if self.app is None:
            raise RuntimeError("the bot is not running: call start_bot() first")
        return self.app

    async def start_bot(self) -> MulinApp:
        self.app = await self._stack.enter_async_context(
            running(build_application(self.settings), poll_timeout=POLL_TIMEOUT)
        )
        return self.app

    async def stop_bot(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self.app = None

    async def restart_bot(self, settings: Settings | None = None) -> MulinApp:
        """A new process's view of the same database: only what the bot stored survives."""
        await self.stop_bot()
        if settings is not None:
            self.settings = settings
        return await self.start_bot()

    def person(
        self,
        name: str,
        *,
        key: str | None = None,
        username: str | None = None,
        lang: str = "zh-hans",
        user_id: int | None = None,
    ) -> User:
        """A new user, remembered under `key` (default: the name) in `people`."""
        user = self.emu.add_user(name, username=username, language_code=lang, user_id=user_id)
        self.people[name if key is None else key] = user
        return user

    def superadmin(self) -> User:
        if "superadmin" not in self.people:
            first_name, username = SUPERADMIN
            self.person(first_name, key="superadmin", username=username, user_id=self.superadmin_id)
        return self.people["superadmin"]

    async def settle(self) -> None:
        """Wait until the bot has handled every update and sent everything it queued."""
        idle_wait = {} if self.settle_within is None else {"timeout": self.settle_within}
        async with asyncio.timeout(self.settle_within):
            await self.emu.wait_idle(**idle_wait)
            if self.app is not None:
                await self.app.update_queue.join()
                outbox = self.app.bot_data.outbox
                await (outbox.drained() if self.drain else outbox.idle())
            await self.emu.wait_idle(**idle_wait)

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

    async def press(self, user: User, message: Message, label: str) -> CallbackAnswer:
        answer = await self.emu.press(user, message, label)
        await self.settle()
        return answer

    async def group(self, title: str, *, admin: User) -> Chat:
        """A group `admin` created and added the bot to, not yet registered."""
        chat = self.emu.add_group(title, creator=admin)
        await self.emu.add_bot(chat, by=admin)
        await self.settle()
        return chat

    async def registered_group(self, title: str, community: str, grid: str) -> Chat:
        """A group the superadmin created, added the bot to and registered with /setup."""
        admin = self.superadmin()
        chat = await self.group(title, admin=admin)
        await self.say(admin, chat, f"/setup {community} {grid}")
        return chat


@contextlib.asynccontextmanager
async def scripted_world(
    *,
    token: str,
    bot_username: str,
    prefix: str,
    db_name: str,
    admin_id: int = SUPERADMIN_ID,
    env: Mapping[str, str] | None = None,
    start: bool = True,
    drain: bool = False,
    settle_within: float | None = None,
) -> AsyncIterator[World]:
    """A world on a throwaway database for a script run outside pytest (the demo, a benchmark);
    `start=False` leaves starting the bot to the caller, and the bot is stopped on the way out
    while the emulator still answers, so that its errors can be read after the bot is gone."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        async with Emulator(token=token, bot_username=bot_username, bot_name="睦邻") as emu:
            settings = bot_settings(emu, Path(tmp) / db_name, admins=(admin_id,), **(env or {}))
            world = World(
                emu, settings, drain=drain, settle_within=settle_within, superadmin_id=admin_id
            )
            try:
                if start:
                    await world.start_bot()
                yield world
            finally:
                await world.stop_bot()
