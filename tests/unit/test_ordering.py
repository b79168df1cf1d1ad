"""Updates side by side: in order per chat and per person, others not held up, backlog bounded."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.delivery.ordering import Backlog, PerChatProcessor, keys

GROUP = -100
AMEI, BO = 11, 12


def message(update_id: int, user: int, chat: int) -> Update:
    kind = "private" if chat > 0 else "group"
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat, "type": kind, "title": "群"}
                if chat < 0
                else {"id": chat, "type": kind, "first_name": "x"},
                "from": {"id": user, "is_bot": False, "first_name": "x"},
                "text": "/board",
            },
        },
        None,
    )


def test_an_update_belongs_to_its_chat_and_its_sender() -> None:
    assert keys(message(1, AMEI, GROUP)) == [GROUP, AMEI]
    assert keys(message(2, AMEI, AMEI)) == [AMEI]  # a private chat is its user's
    assert keys(object()) == []


async def test_one_chat_in_order_others_meanwhile() -> None:
    processor = PerChatProcessor(max_concurrent_updates=8)
    log: list[str] = []

    async def work(name: str, seconds: float) -> None:
        log.append(f"{name} start")
        await asyncio.sleep(seconds)
        log.append(f"{name} end")

    async def run(update: Update, name: str, seconds: float) -> None:
        await processor.slots.acquire()  # as Backlog.get does before handing the update over
        await processor.process_update(update, work(name, seconds))

    await asyncio.gather(
        run(message(1, AMEI, GROUP), "amei in group", 0.05),
        run(message(2, BO, BO), "bo in private", 0.0),
        run(message(3, BO, GROUP), "bo in group", 0.0),
        run(message(4, AMEI, AMEI), "amei in private", 0.0),
    )
    # Bo's private message did not wait for the group; the group's second message and Amei's
    # private one waited for her group message, in the order they came.
    assert log.index("bo in private end") < log.index("amei in group end")
    assert log.index("amei in group end") < log.index("bo in group start")
    assert log.index("amei in group end") < log.index("amei in private start")
    assert processor._locks == {}  # nothing kept once done


async def test_the_backlog_hands_out_an_update_only_when_a_slot_is_free() -> None:
    processor = PerChatProcessor(max_concurrent_updates=1)
    backlog: Backlog = processor.backlog()
    await backlog.put(message(1, AMEI, AMEI))
    await backlog.put(message(2, BO, BO))
    first = await backlog.get()
    waiting = asyncio.ensure_future(backlog.get())
    await asyncio.sleep(0.01)
    assert not waiting.done()  # the one slot is taken by the first update
    await processor.process_update(first, asyncio.sleep(0))
    second = await asyncio.wait_for(waiting, 1)
    assert isinstance(second, Update) and second.update_id == 2
