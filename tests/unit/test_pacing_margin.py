"""The margin of bot/delivery/pacing.py under Telegram's limits: the window counts a request from
when it starts until a period after its answer, so the far end — which counts it somewhere in
between — never sees more than the limit in any period, however late, bunched or slow the
requests are; a person's answer takes the next free place ahead of bulk; a waiter given up
holds no place. (The figures under load are make bench's: `python -m bench broadcast`.)"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from bot.delivery.pacing import BULK, Pacing, Window

LIMIT = 5
PERIOD = 0.1  # seconds: the far end's window, small so the test is quick


def most_in_a_period(stamps: list[float], period: float) -> int:
    """The most stamps in any window (t - period, t], as the emulator counts."""
    ordered = sorted(stamps)
    first, most = 0, 0
    for i, t in enumerate(ordered):
        while ordered[first] <= t - period:
            first += 1
        most = max(most, i - first + 1)
    return most


async def test_the_far_end_never_counts_more_than_the_limit() -> None:
    window = Window(LIMIT, PERIOD)
    loop = asyncio.get_running_loop()
    rng = random.Random(16)
    stamps: list[float] = []

    async def request(bulk: bool) -> None:
        async with window.place(bulk=bulk):
            await asyncio.sleep(rng.uniform(0, 0.02))  # on its way
            if rng.random() < 0.2:
                time.sleep(0.01)  # noqa: ASYNC251 — the loop starved, as by a CPU hog
            stamps.append(loop.time())  # the far end counts it
            await asyncio.sleep(rng.uniform(0, 0.02))  # the answer on its way back

    await asyncio.gather(*(request(bulk=rng.random() < 0.8) for _ in range(30)))
    assert len(stamps) == 30
    assert most_in_a_period(stamps, PERIOD) <= LIMIT
    assert window.used <= LIMIT


async def test_an_answer_takes_the_next_free_place_ahead_of_bulk() -> None:
    window = Window(2, PERIOD)
    order: list[str] = []
    release = asyncio.Event()

    async def request(name: str, bulk: bool) -> None:
        async with window.place(bulk=bulk):
            order.append(name)
            await release.wait()

    first = [asyncio.create_task(request(f"bulk{i}", True)) for i in range(2)]
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(request(f"bulk{i}", True)) for i in range(2, 5)]
    await asyncio.sleep(0)
    answer = asyncio.create_task(request("answer", False))
    await asyncio.sleep(0)
    assert order == ["bulk0", "bulk1"]  # the window is full
    release.set()
    await asyncio.gather(*first, *waiting, answer)
    assert order[2] == "answer", order


async def test_a_waiter_given_up_holds_no_place() -> None:
    window = Window(1, 0.01)
    async with window.place(bulk=True):
        late = asyncio.create_task(window.place(bulk=True).__aenter__())
        await asyncio.sleep(0)
        late.cancel()
        await asyncio.gather(late, return_exceptions=True)
    await asyncio.sleep(0.02)
    assert window.used == 0
    async with window.place(bulk=False):
        assert window.used == 1


async def test_pacing_passes_the_window_for_chats_only() -> None:
    pacing = Pacing(overall_per_second=2, group_per_minute=0)  # a window of 2 a second
    served: list[int | None] = []

    def request(chat_id: int | None) -> Any:
        async def call() -> dict[str, bool]:
            served.append(chat_id)
            return {"ok": True}

        return call

    async def send(chat_id: int | None, bulk: bool) -> None:
        data = {"chat_id": chat_id} if chat_id is not None else {}
        await pacing.process_request(
            request(chat_id), (), {}, "sendMessage", data, BULK if bulk else None
        )

    await send(None, False)  # getUpdates and the like: not a message, not counted
    await asyncio.gather(send(1, True), send(-2, False))
    third = asyncio.create_task(send(3, True))
    await asyncio.sleep(0.3)
    assert served == [None, 1, -2]  # the third waits for the second's place to free
    await asyncio.wait_for(third, 2)
    assert served[-1] == 3
