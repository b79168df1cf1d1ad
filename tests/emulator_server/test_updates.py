"""getUpdates (offset, limit, long polling, conflicts), allowed_updates, redelivery, webhooks."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from emulator import Emulator

from .conftest import RawApi


async def queue_texts(emu: Emulator, *texts: str) -> None:
    alice = emu.add_user("Alice")
    for text in texts:
        await emu.send(alice, emu.private_chat(alice), text)


def texts(updates: list[dict[str, Any]]) -> list[str]:
    return [u["message"]["text"] for u in updates]


async def test_offset_confirms_and_limit_caps(emu: Emulator, api: RawApi) -> None:
    await queue_texts(emu, "a", "b", "c")
    first = await api.ok("getUpdates", limit=2)
    assert texts(first) == ["a", "b"]
    ids = [u["update_id"] for u in first]
    assert ids == sorted(ids) and ids[1] == ids[0] + 1
    # not confirmed yet: asked again without offset, they come again
    assert texts(await api.ok("getUpdates")) == ["a", "b", "c"]
    # offset confirms everything below it
    assert texts(await api.ok("getUpdates", offset=ids[1] + 1)) == ["c"]
    assert texts(await api.ok("getUpdates")) == ["c"]
    assert await api.ok("getUpdates", offset=ids[1] + 2) == []
    assert emu.update_queue.pending == []


async def test_negative_offset_keeps_the_last_updates(emu: Emulator, api: RawApi) -> None:
    await queue_texts(emu, "a", "b", "c")
    assert texts(await api.ok("getUpdates", offset=-1)) == ["c"]
    assert texts(await api.ok("getUpdates")) == ["c"]


async def test_long_poll_returns_as_soon_as_an_update_arrives(emu: Emulator, api: RawApi) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await queue_texts(emu, "wake")
    assert texts(await poll) == ["wake"]
    assert time.monotonic() - started < 2


async def test_long_poll_times_out_empty(api: RawApi) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2


async def test_a_second_getupdates_terminates_the_first(emu: Emulator, api: RawApi) -> None:
    first = asyncio.create_task(api.call("getUpdates", form={"timeout": 5}))
    await emu.wait_for(lambda: emu.update_queue.polling)
    second = asyncio.create_task(api.call("getUpdates", form={"timeout": 5}))
    status, body = await first
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    await queue_texts(emu, "for the second")
    status, body = await second
    assert status == 200 and texts(body["result"]) == ["for the second"]


async def test_getupdates_while_a_webhook_is_set_conflicts(emu: Emulator, api: RawApi) -> None:
    await api.ok("setWebhook", url="http://127.0.0.1:9/hook")
    assert await api.fail("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    _status, body = await api.call("deleteWebhook", form={})
    assert body == {"ok": True, "result": True, "description": "Webhook was deleted"}
    assert await api.ok("getUpdates") == []


async def test_allowed_updates_are_remembered(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    kinds = [next(k for k in u if k != "update_id") for u in await api.ok("getUpdates")]
    assert kinds == ["my_chat_member", "message"]
    bob = emu.add_user("Bob")
    await emu.add_member(group, bob)  # chat_member is not sent by default
    assert [u.kind for u in emu.update_queue.pending] == ["my_chat_member", "message", "message"]
    await api.ok(
        "getUpdates",
        offset=emu.update_queue.pending[-1].update_id + 1,
        allowed_updates=["callback_query"],
    )
    await emu.send(alice, group, "dropped: messages are no longer wanted")
    assert emu.update_queue.pending == []
    await api.ok("getUpdates", allowed_updates=[])  # back to the default
    await emu.send(alice, group, "kept")
    assert texts(await api.ok("getUpdates")) == ["kept"]


async def test_redeliver_hands_an_update_out_again(emu: Emulator, api: RawApi) -> None:
    await queue_texts(emu, "once")
    [update] = await api.ok("getUpdates")
    assert await api.ok("getUpdates", offset=update["update_id"] + 1) == []
    emu.redeliver(update["update_id"])
    again = await api.ok("getUpdates", offset=update["update_id"] + 1)
    assert again == [update]
    assert await api.ok("getUpdates", offset=update["update_id"] + 1) == []


async def test_webhook_delivery_with_secret_and_retries(emu: Emulator, api: RawApi) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = 2

    async def hook(request: web.Request) -> web.Response:
        nonlocal failures
        if failures:
            failures -= 1
            return web.Response(status=500)
        received.append(
            (
                request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                json.loads(await request.read()),
            )
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        _status, body = await api.call(
            "setWebhook", form={"url": f"http://127.0.0.1:{port}/hook", "secret_token": "s3cret_-"}
        )
        assert body["description"] == "Webhook was set"
        await queue_texts(emu, "one", "two")
        await emu.wait_idle(timeout=5)
        assert [(secret, u["message"]["text"]) for secret, u in received] == [
            ("s3cret_-", "one"),
            ("s3cret_-", "two"),
        ]
        info = await api.ok("getWebhookInfo")
        assert info["url"].endswith("/hook") and info["pending_update_count"] == 0
        assert "500" in info["last_error_message"]
        assert await api.fail("setWebhook", url="http://x/", secret_token="bad token!") == (
            400,
            "Bad Request: secret token contains illegal characters",
        )
    finally:
        await emu.stop()
        await runner.cleanup()
