"""A small JSON control API under /_emulator/, for driving an emulator in another process.

Benchmarks run the emulator as its own process (`python -m emulator`), so they cannot call
the Python test API; these routes expose the few actions they need: make users and groups,
send messages as users, press buttons, wait until the bot is idle, read statistics.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .wire import message_json, user_json

if TYPE_CHECKING:
    from .testapi import Emulator

PREFIX = "/_emulator"


def add_control_routes(app: web.Application, emu: Emulator) -> None:
    routes = _Routes(emu)
    app.router.add_post(f"{PREFIX}/users", routes.add_user)
    app.router.add_post(f"{PREFIX}/groups", routes.add_group)
    app.router.add_post(f"{PREFIX}/send", routes.send)
    app.router.add_post(f"{PREFIX}/press", routes.press)
    app.router.add_post(f"{PREFIX}/wait_idle", routes.wait_idle)
    app.router.add_post(f"{PREFIX}/rate_limits", routes.rate_limits)
    app.router.add_get(f"{PREFIX}/messages", routes.messages)
    app.router.add_get(f"{PREFIX}/stats", routes.stats)


def _reply(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


class _Routes:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    async def _body(self, request: web.Request) -> dict[str, Any]:
        body = await request.json() if request.body_exists else {}
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="a JSON object is expected")
        return body

    def _user(self, body: dict[str, Any]) -> Any:
        user = self.emu.world.users.get(int(body["user_id"]))
        if user is None:
            raise web.HTTPNotFound(text=f"no user {body['user_id']}")
        return user

    async def add_user(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self.emu.add_user(
            body.get("first_name", "User"),
            username=body.get("username"),
            language_code=body.get("language_code"),
            last_name=body.get("last_name"),
            user_id=body.get("user_id"),
        )
        return _reply(user_json(user))

    async def add_group(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        creator = self._user({"user_id": body["creator_id"]}) if "creator_id" in body else None
        chat = self.emu.add_group(
            body.get("title", "Group"),
            creator=creator,
            supergroup=bool(body.get("supergroup", False)),
        )
        if body.get("add_bot", True) and creator is not None:
            await self.emu.add_bot(chat, by=creator)
        return _reply({"id": chat.id, "type": chat.type, "title": chat.title})

    async def send(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._user(body)
        chat_id = int(body.get("chat_id", user.id))
        message = await self.emu.send(user, chat_id, str(body["text"]))
        return _reply(message_json(self.emu.world, message))

    async def press(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self._user(body)
        message = self.emu.message(int(body["chat_id"]), int(body["message_id"]))
        timeout = float(body.get("timeout", 5.0))
        try:
            if "label" in body:
                answer = await self.emu.press(user, message, str(body["label"]), timeout)
            else:
                answer = await self.emu.press_data(user, message, str(body["data"]), timeout)
        except (LookupError, TimeoutError) as exc:
            return _reply({"ok": False, "error": str(exc)}, 409)
        return _reply({"ok": True, "text": answer.text, "show_alert": answer.show_alert})

    async def wait_idle(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        try:
            await self.emu.wait_idle(
                float(body.get("quiet", 0.05)), float(body.get("timeout", 10.0))
            )
        except TimeoutError as exc:
            return _reply({"ok": False, "error": str(exc)}, 409)
        return _reply({"ok": True})

    async def rate_limits(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self.emu.enforce_rate_limits(bool(body.get("enabled", True)))
        return _reply({"ok": True})

    async def messages(self, request: web.Request) -> web.Response:
        chat_id = int(request.query["chat_id"])
        world = self.emu.world
        return _reply([message_json(world, m) for m in self.emu.messages(chat_id)])

    async def stats(self, request: web.Request) -> web.Response:
        counts: dict[str, int] = {}
        for method, _ in self.emu.requests:
            counts[method] = counts.get(method, 0) + 1
        return _reply(
            {
                "requests": len(self.emu.requests),
                "by_method": counts,
                "errors": [str(e) for e in self.emu.errors],
                "warnings": len(self.emu.warnings),
                "pending_updates": len(self.emu.update_queue.pending),
                "messages": sum(len(s.messages) for s in self.emu.world.chats.values()),
            }
        )
