"""Updates handled side by side, but one at a time per person and per chat, and never more
fetched from Telegram than there is room for.

Handled strictly one after another, the bot idles while each answer travels to Telegram and back
(38 % of the time under load, bench/throughput.py). PTB's update processor lets several updates
run at once; this one keeps what users can tell apart in order: a chat's updates, and one
person's updates anywhere (a dialog in private and a button in a group), are handled in the
order they came. Every use case is one transaction that runs without awaiting (storage runs on
the event loop), so two updates never see each other's half-done work.

PTB starts a task for every update it takes from its queue, at once, however many are waiting:
a burst of 5,000 made 5,000 tasks (+9 MiB). The Backlog queue hands over an update only when
the processor has a free slot, and holds at most BACKLOG: beyond that PTB stops fetching, and
what is waiting stays with Telegram, which keeps it for a day and re-sends it after a crash.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT = 16
BACKLOG = 200  # two of getUpdates' batches of 100


def keys(update: object) -> list[int]:
    """The chat and the person an update belongs to, in one global order (no deadlocks)."""
    if not isinstance(update, Update):
        return []
    found = set()
    if update.effective_chat is not None:
        found.add(update.effective_chat.id)
    if update.effective_user is not None:
        found.add(update.effective_user.id)  # a private chat's id is its user's: one lock
    return sorted(found)


Record = Callable[[Update], Awaitable[None]]


class Backlog(asyncio.Queue[object]):
    """PTB's update queue: bounded, and handing out an update only when a slot is free. With
    `record` set (bot/delivery/inbox.py), each update is stored before it is queued: PTB tells
    Telegram a batch arrived only once all of it is queued."""

    def __init__(self, slots: asyncio.Semaphore, maxsize: int = BACKLOG) -> None:
        super().__init__(maxsize)
        self._slots = slots
        self.record: Record | None = None

    async def put(self, item: object) -> None:
        if self.record is not None and isinstance(item, Update):
            await self.record(item)
        await super().put(item)

    async def get(self) -> object:
        await self._slots.acquire()
        try:
            return await super().get()
        except BaseException:
            self._slots.release()
            raise


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # lock key → updates holding or waiting for it
        self.slots = asyncio.Semaphore(max_concurrent_updates)  # taken by Backlog.get

    def backlog(self) -> Backlog:
        return Backlog(self.slots)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_order(update, coroutine)
        finally:
            self.slots.release()

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        mine = keys(update)
        for key in mine:
            self._users[key] = self._users.get(key, 0) + 1
        try:
            async with AsyncExitStack() as stack:
                for key in mine:
                    await stack.enter_async_context(self._locks.setdefault(key, asyncio.Lock()))
                await coroutine
        finally:
            for key in mine:  # forget locks nobody needs: the table stays as small as the load
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key]
                    del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
