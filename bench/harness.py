"""The stage a Mulin benchmark plays on: the real bot in this process and event loop, on a temp
database, against the Bot API emulator over real HTTP — as tests/conftest.py's World does."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.app import MulinApp, build_application, running
from bot.config import Settings
from emulator import Chat, Emulator, Message, User

TOKEN = "424242:BENCH"
SUPERADMIN_ID = 900001  # in MULIN_ADMINS: holds every role


@dataclass
class Stage:
    emu: Emulator
    app: MulinApp
    admin: User

    async def settle(self, within: float = 120.0) -> None:
        """Wait until the bot has handled every update and sent everything it queued, card
        edits held back by the edit interval (MULIN_CARD_EDIT_SECONDS) included."""
        async with asyncio.timeout(within):
            await self.emu.wait_idle(timeout=within)
            await self.app.update_queue.join()
            await self.app.bot_data.outbox.drained()
            await self.emu.wait_idle(timeout=within)

    async def say(self, user: User, chat: Chat, text: str) -> list[Message]:
        """Send a message, settle, and return what the bot newly sent in that chat."""
        before = {m.message_id for m in self.emu.bot_messages(chat)}
        await self.emu.send(user, chat, text)
        await self.settle()
        return [m for m in self.emu.bot_messages(chat) if m.message_id not in before]

    async def registered_group(self, title: str, community: str, grid: str) -> Chat:
        """A group the superadmin created, added the bot to and registered with /setup."""
        chat = self.emu.add_group(title, creator=self.admin)
        await self.emu.add_bot(chat, by=self.admin)
        await self.settle()
        await self.say(self.admin, chat, f"/setup {community} {grid}")
        return chat


@asynccontextmanager
async def mulin_stage() -> AsyncIterator[Stage]:
    """The emulator and the running bot on a fresh temp database, with the superadmin as a user."""
    with tempfile.TemporaryDirectory(prefix="mulin-bench-") as tmp:
        async with Emulator(token=TOKEN, bot_username="mulin_bench_bot", bot_name="睦邻") as emu:
            settings = Settings.from_env(
                {
                    "TELEGRAM_BOT_TOKEN": TOKEN,
                    "TELEGRAM_API_URL": emu.api_url,
                    "MULIN_DB": str(Path(tmp) / "bench.sqlite3"),
                    "MULIN_ADMINS": str(SUPERADMIN_ID),
                }
            )
            async with running(build_application(settings), poll_timeout=5) as app:
                admin = emu.add_user(
                    "镇管理员",
                    username="town_admin",
                    language_code="zh-hans",
                    user_id=SUPERADMIN_ID,
                )
                yield Stage(emu, app, admin)
