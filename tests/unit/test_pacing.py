"""The two lanes of bot/delivery/pacing.py: a person's answer is served ahead of the outbox's
bulk traffic queued before it, and a RetryAfter stops only the request it hit (bulk: handed to
the outbox at once; an answer: waited out once)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.delivery.pacing import BULK, Pacing


async def test_an_answer_goes_ahead_of_the_bulk_queued_before_it() -> None:
    pacing = Pacing(overall_per_second=50, group_per_minute=0)
    served: list[str] = []

    def request(name: str) -> Any:
        async def call() -> dict[str, Any]:
            served.append(name)
            return {"ok": True}

        return call

    bulk = [
        asyncio.create_task(
            pacing.process_request(
                request(f"bulk{i}"), (), {}, "sendMessage", {"chat_id": i + 1}, BULK
            )
        )
        for i in range(20)
    ]
    await asyncio.sleep(0)  # the bulk requests are all waiting now
    answer = pacing.process_request(request("answer"), (), {}, "sendMessage", {"chat_id": 99}, None)
    await asyncio.gather(answer, *bulk)
    assert served.index("answer") <= 2, served  # not 20th: bulk never fills the overall bucket


async def test_a_retry_after_stops_only_the_request_it_hit() -> None:
    pacing = Pacing(overall_per_second=0, group_per_minute=0)
    calls = {"bulk": 0, "answer": 0}

    def refused_once(name: str) -> Any:
        async def call() -> dict[str, Any]:
            calls[name] += 1
            if calls[name] == 1:
                raise RetryAfter(0)
            return {"ok": True}

        return call

    with pytest.raises(RetryAfter):  # the outbox reschedules that chat, the others go on
        await pacing.process_request(
            refused_once("bulk"), (), {}, "sendMessage", {"chat_id": -5}, BULK
        )
    assert calls["bulk"] == 1
    assert await pacing.process_request(
        refused_once("answer"), (), {}, "sendMessage", {"chat_id": 7}, None
    ) == {"ok": True}
    assert calls["answer"] == 2
