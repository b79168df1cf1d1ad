"""Fault switches and Telegram's broadcast limits."""

from __future__ import annotations

import aiohttp
import pytest

from emulator import Emulator

from .conftest import RawApi


async def started(emu: Emulator, count: int) -> list[int]:
    ids = []
    for n in range(count):
        user = emu.add_user(f"U{n}")
        await emu.send(user, emu.private_chat(user), "/start")
        ids.append(user.id)
    return ids


async def test_fail_next_answers_the_chosen_error_count_times(emu: Emulator, api: RawApi) -> None:
    [chat_id] = await started(emu, 1)
    emu.fail_next("sendMessage", retry_after=7, count=2)
    for _ in range(2):
        status, body = await api.call("sendMessage", form={"chat_id": str(chat_id), "text": "x"})
        assert (status, body) == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
        )
    await api.ok("sendMessage", chat_id=chat_id, text="x")
    emu.fail_next(
        "sendmessage", status=403, description="Forbidden: bot was kicked from the group chat"
    )
    assert await api.fail("sendMessage", chat_id=chat_id, text="x") == (
        403,
        "Forbidden: bot was kicked from the group chat",
    )
    emu.fail_next("getMe", status=502)
    assert await api.fail("getMe") == (502, "Bad Gateway")
    assert [e.status for e in emu.errors] == [429, 429, 403, 502]
    assert len(emu.bot_messages(chat_id)) == 1
    assert [m for m, _ in emu.requests].count("sendMessage") == 4  # failed calls are recorded


async def test_drop_next_closes_the_connection(emu: Emulator, api: RawApi) -> None:
    emu.drop_next("getMe")
    with pytest.raises(aiohttp.ClientError):
        await api.call("getMe")
    assert (await api.ok("getMe"))["id"] == emu.bot_id
    assert emu.errors == []


async def test_global_limit_of_30_messages_per_second(emu: Emulator, api: RawApi) -> None:
    chats = await started(emu, 31)
    emu.enforce_rate_limits(True)
    emu.rate_limits.clock = lambda: 1000.0  # all within the same second, however slow the CI
    for chat_id in chats[:30]:
        await api.ok("sendMessage", chat_id=chat_id, text="news")
    status, body = await api.call("sendMessage", form={"chat_id": str(chats[30]), "text": "news"})
    assert status == 429 and body["parameters"]["retry_after"] == 1
    emu.enforce_rate_limits(False)
    await api.ok("sendMessage", chat_id=chats[30], text="news")


async def test_group_limit_of_20_messages_per_minute(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    group, other = emu.add_group("G", creator=alice), emu.add_group("H", creator=alice)
    await emu.add_bot(group, by=alice)
    await emu.add_bot(other, by=alice)
    emu.enforce_rate_limits()
    now = 1000.0
    emu.rate_limits.clock = lambda: now
    for _ in range(20):
        await api.ok("sendMessage", chat_id=group.id, text="x")
    status, body = await api.call("sendMessage", form={"chat_id": str(group.id), "text": "x"})
    assert status == 429
    assert body["parameters"]["retry_after"] == 60
    assert body["description"] == "Too Many Requests: retry after 60"
    now += 59.5
    status, body = await api.call("sendMessage", form={"chat_id": str(group.id), "text": "x"})
    assert (status, body["parameters"]["retry_after"]) == (429, 1)
    now += 0.5  # a minute after the first message, one more may go
    await api.ok("sendMessage", chat_id=group.id, text="x")
    await api.ok("sendMessage", chat_id=other.id, text="another group is not limited")


async def test_private_chats_allow_a_short_burst(emu: Emulator, api: RawApi) -> None:
    [chat_id] = await started(emu, 1)
    emu.enforce_rate_limits()
    now = 1000.0
    emu.rate_limits.clock = lambda: now
    for _ in range(emu.rate_limits.private_burst):
        await api.ok("sendMessage", chat_id=chat_id, text="x")
    status, body = await api.call("sendMessage", form={"chat_id": str(chat_id), "text": "x"})
    assert status == 429 and body["parameters"]["retry_after"] == 1
    now += 1.0  # one message a second on average
    await api.ok("sendMessage", chat_id=chat_id, text="x")
