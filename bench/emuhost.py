"""`python -m bench.emuhost [--port P] [--token T] [--rate-limits]`: the Bot API emulator in its
own process, as `python -m emulator` runs it, plus the few control routes a load benchmark
needs that /_emulator/ lacks (under /_bench/):

- every bot request is time-stamped on arrival (time.monotonic: one clock for every process
  of the machine), so update → reply latency and broadcast timing are read from one log;
- updates are queued in bulk (thousands in one call, optionally at a fixed rate), each with
  the moment it was queued and the key its reply will carry: the message id for a message,
  the callback query id for a button press;
- a photo of an album is a message as Emulator.send_album makes it (a stored photo with its
  PhotoSize ladder, the media_group_id, a caption with its /command entity), only tiny (8×8),
  one update a call, so that each photo gets its own time and key;
- users and groups are made in bulk, groups optionally with the bot already a member
  (no my_chat_member update: for a set-up whose registrations are written straight to the
  bot's database);
- bot messages are read back compactly (ids, text, buttons), and counted per group.

It prints the API root (TELEGRAM_API_URL) on its first line, then serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from aiohttp import web

from emulator import Emulator, Message
from emulator.__main__ import serve_until_signalled
from emulator.formatting import auto_entities
from emulator.images import sample_png
from emulator.state import MEMBER, World
from emulator.wire import user_json

PREFIX = "/_bench"
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
        "copyMessage",
        "forwardMessage",
    }
)


PHOTO_SIDE = 8  # the bench's photos: a few bytes, enough for a PhotoSize
BENCH_PHOTO = sample_png(PHOTO_SIDE, PHOTO_SIDE)


class TimedRequests(list[tuple[str, dict[str, Any]]]):
    """The emulator's request log, with the arrival time of each request beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, item: tuple[str, dict[str, Any]]) -> None:
        self.times.append(time.monotonic())
        super().append(item)


def _reply(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


def photo_fields(world: World, caption: str | None, media_group_id: str) -> dict[str, Any]:
    """A user's album photo as Emulator.send_album builds it (the photo stored in its
    renditions, the caption as the apps send it), from the emulator's public pieces."""
    photo = world.store_file(BENCH_PHOTO, kind="photo", width=PHOTO_SIDE, height=PHOTO_SIDE)
    fields: dict[str, Any] = {"photo": photo, "media_group_id": media_group_id}
    if caption is not None:
        fields.update(
            caption=caption, caption_html=caption, caption_entities=auto_entities(caption)
        )
    return fields


def _reply_to(params: dict[str, Any]) -> int | None:
    target = params.get("reply_parameters")
    if isinstance(target, dict) and isinstance(target.get("message_id"), int):
        return int(target["message_id"])
    value = params.get("reply_to_message_id")
    return value if isinstance(value, int) else None


class BenchRoutes:
    def __init__(self, emu: Emulator, log: TimedRequests) -> None:
        self.emu = emu
        self.log = log

    def install(self, app: web.Application) -> None:
        app.router.add_post(f"{PREFIX}/users", self.users)
        app.router.add_post(f"{PREFIX}/groups", self.groups)
        app.router.add_post(f"{PREFIX}/enqueue", self.enqueue)
        app.router.add_get(f"{PREFIX}/log", self.requests)
        app.router.add_get(f"{PREFIX}/errors", self.errors)
        app.router.add_get(f"{PREFIX}/bot_messages", self.bot_messages)
        app.router.add_post(f"{PREFIX}/count", self.count)
        app.router.add_get(f"{PREFIX}/now", self.now)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        body = await request.json() if request.body_exists else {}
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="a JSON object is expected")
        return body

    async def now(self, request: web.Request) -> web.Response:
        return _reply({"t": time.monotonic(), "requests": len(self.log)})

    async def users(self, request: web.Request) -> web.Response:
        """{"users": [[id, first_name, language_code | null], ...]}"""
        body = await self._body(request)
        for user_id, first_name, language in body["users"]:
            if int(user_id) not in self.emu.world.users:
                self.emu.add_user(str(first_name), language_code=language, user_id=int(user_id))
        return _reply({"ok": True})

    async def groups(self, request: web.Request) -> web.Response:
        """{"groups": [[title, creator_id], ...], "bot": "update" | "silent"} → their ids.

        "update": the creator adds the bot as Telegram does (my_chat_member and a service
        message reach the bot). "silent": the bot is a member from the start, unannounced."""
        body = await self._body(request)
        silent = body.get("bot", "update") == "silent"
        ids = []
        for title, creator_id in body["groups"]:
            creator = self.emu.world.users[int(creator_id)]
            chat = self.emu.add_group(str(title), creator=creator)
            if silent:
                self.emu.world.chats[chat.id].members[self.emu.bot_id] = MEMBER
            else:
                await self.emu.add_bot(chat, by=creator)
            ids.append(chat.id)
        return _reply({"ids": ids})

    def _push(self, action: list[Any], albums: dict[str, str]) -> tuple[int, int | str]:
        """Queue one update; (update id, the key its reply carries). `albums`: the media
        group id given to each album key of this call's photos."""
        kind, user_id, chat_id = action[0], int(action[1]), int(action[2])
        user = self.emu.world.users[user_id]
        if kind == "send":
            text = str(action[3])
            return self._queue(user, chat_id, text=text, html=text, entities=auto_entities(text))
        if kind == "photo":
            key = str(action[4])
            if key not in albums:
                albums[key] = self.emu.world.next_media_group_id()
            caption = None if action[3] is None else str(action[3])
            return self._queue(user, chat_id, **photo_fields(self.emu.world, caption, albums[key]))
        if kind == "press":
            message = self.emu.message(chat_id, int(action[3]))
            callback = self.emu.backend.new_callback(user, message, str(action[4]))
            payload = {
                "id": callback.query_id,
                "from": user_json(user),
                "message": self.emu.backend.message_json(message),
                "chat_instance": str(abs(hash((message.chat_id, self.emu.bot_id)))),
                "data": str(action[4]),
            }
            update = self.emu.update_queue.push("callback_query", payload)
            return (update.update_id if update else 0), callback.query_id
        raise web.HTTPBadRequest(text=f"unknown action {kind!r}")

    def _queue(self, user: Any, chat_id: int, **fields: Any) -> tuple[int, int]:
        """A user's message, delivered to the bot: (its update id, its message id)."""
        message = self.emu.world.add_message(
            self._prepared(user, chat_id), from_user=user, **fields
        )
        self.emu.backend.queue_message(message)
        pending = self.emu.update_queue.pending
        return (pending[-1].update_id if pending else 0), message.message_id

    def _prepared(self, user: Any, chat_id: int) -> Any:
        """The chat's state, with the sender in it as the emulator's send() would have it."""
        state = self.emu.world.chat_state(chat_id)
        if state.chat.type == "private":
            self.emu.world.started.add(user.id)
        elif state.members.get(user.id) is None:
            state.members[user.id] = MEMBER
        return state

    async def enqueue(self, request: web.Request) -> web.Response:
        """{"actions": [["send", user, chat, text] | ["press", user, chat, message, data] |
        ["photo", user, chat, caption | null, album key]], "rate": per second | null} →
        [[queued at, update id, key], ...] once all are queued. The photos of one album key
        share a media_group_id, fresh for each call (each bot's run gets albums of its own)."""
        body = await self._body(request)
        actions: list[list[Any]] = body["actions"]
        rate = body.get("rate")
        out: list[list[Any]] = []
        albums: dict[str, str] = {}
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i, action in enumerate(actions):
            if rate:
                due = start + i / float(rate)
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            update_id, key = self._push(action, albums)
            out.append([time.monotonic(), update_id, key])
        return _reply({"queued": out})

    async def requests(self, request: web.Request) -> web.Response:
        """Bot requests from index `since`: [t, method, chat_id, message_id, reply_to,
        callback_query_id, ok, text[:60]]; ok is null while a request is being answered."""
        since = int(request.query.get("since", "0"))
        failed = {id(error.params) for error in self.emu.errors}
        answered = len(self.log) - self.emu.backend.activity.inflight
        entries = []
        for i in range(since, len(self.log)):
            method, params = self.log[i]
            if method == "getUpdates":
                entries.append([self.log.times[i], method, None, None, None, None, True, ""])
                continue
            chat = params.get("chat_id")
            ok: bool | None = id(params) not in failed
            if ok and i >= answered:
                ok = None
            entries.append(
                [
                    self.log.times[i],
                    method,
                    chat if isinstance(chat, int) else None,
                    params.get("message_id") if isinstance(params.get("message_id"), int) else None,
                    _reply_to(params),
                    params.get("callback_query_id"),
                    ok,
                    str(params.get("text") or "")[:60],
                ]
            )
        return _reply({"next": len(self.log), "entries": entries})

    async def errors(self, request: web.Request) -> web.Response:
        out = []
        for error in self.emu.errors:
            chat = error.params.get("chat_id") if isinstance(error.params, dict) else None
            out.append([error.method, error.status, chat, error.description[:120]])
        return _reply({"errors": out})

    async def bot_messages(self, request: web.Request) -> web.Response:
        """?chat_id=…: [[message_id, text, [[label, callback data], ...], reply_to], ...]"""
        chat_id = int(request.query["chat_id"])
        return _reply([_compact(m) for m in self.emu.bot_messages(chat_id)])

    async def count(self, request: web.Request) -> web.Response:
        """{"contains": s, "chat_ids": [...] | null}: {chat id: bot messages containing s}."""
        body = await self._body(request)
        needle = str(body["contains"])
        chat_ids = body.get("chat_ids")
        states = (
            [self.emu.world.chats[int(c)] for c in chat_ids]
            if chat_ids is not None
            else [s for s in self.emu.world.chats.values() if s.is_group]
        )
        bot_id = self.emu.bot_id
        counts = {
            str(state.chat.id): sum(
                1
                for m in state.messages.values()
                if not m.deleted
                and m.from_user is not None
                and m.from_user.id == bot_id
                and needle in (m.text or "")
            )
            for state in states
        }
        return _reply(counts)


def _compact(message: Message) -> list[Any]:
    buttons = [[b.text, b.callback_data] for row in message.buttons for b in row]
    return [message.message_id, message.text or "", buttons, message.reply_to_message_id]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.emuhost", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--bot-username", default="mulin_bench_bot")
    parser.add_argument("--bot-name", default="睦邻")
    parser.add_argument(
        "--rate-limits", action="store_true", help="answer 429 beyond Telegram's broadcast limits"
    )
    parser.add_argument(
        "--callback-ttl",
        type=float,
        default=3600.0,
        help="seconds a press stays answerable (Telegram: ~15; a 5,000-update backlog needs more)",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emu = Emulator(args.token, args.bot_username, args.bot_name, args.host, args.port)
    log = TimedRequests()
    emu.requests = log
    emu.server.requests = log
    emu.backend.callback_ttl = args.callback_ttl
    emu.enforce_rate_limits(args.rate_limits)
    BenchRoutes(emu, log).install(emu.server.app)
    await serve_until_signalled(emu)


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(_arguments(argv)))


if __name__ == "__main__":
    main()
