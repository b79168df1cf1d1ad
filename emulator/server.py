"""The HTTP face of the emulator: Telegram's URL layout, request formats and answers.

Routes are Telegram's: POST/GET /bot<token>/<method> and GET /file/bot<token>/<path>.
Parameters may come as a query string, a form, multipart (with uploads) or a JSON body.
Every request is recorded, checked against api.json, then handed to its implementation.
"""

from __future__ import annotations

import contextlib
import json
import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

from aiohttp import BodyPartReader, web

from .backend import Backend, Described
from .botmethods import HANDLERS as BOT_HANDLERS
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError, ApiFailure, bad_request
from .limits import FaultSwitches
from .media import HANDLERS as MEDIA_HANDLERS
from .messaging import HANDLERS as MESSAGE_HANDLERS
from .messaging import Handler
from .spec import Call, Spec, Upload

log = logging.getLogger(__name__)

HANDLERS: dict[str, Handler] = {**MESSAGE_HANDLERS, **MEDIA_HANDLERS, **BOT_HANDLERS}
MAX_BODY = 60 * 1024 * 1024  # above Telegram's 50 MB upload limit


def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


def _filename(name: str) -> str:
    """Clients write non-ASCII file names raw (httpx) or percent-encoded (aiohttp)."""
    if "%" in name:
        with contextlib.suppress(UnicodeDecodeError):
            return urllib.parse.unquote(name, errors="strict")
    return name


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


class BotApiServer:
    def __init__(
        self,
        *,
        token: str,
        spec: Spec,
        backend: Backend,
        faults: FaultSwitches,
        requests: list[tuple[str, dict[str, Any]]],
        errors: list[ApiError],
        warnings: list[str],
        extra_routes: Callable[[web.Application], None] | None = None,
    ) -> None:
        self.token = token
        self.spec = spec
        self.backend = backend
        self.faults = faults
        self.requests = requests
        self.errors = errors
        self.warnings = warnings
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_route("*", "/bot{token}/{method}", self._method)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        if extra_routes is not None:
            extra_routes(self.app)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self, host: str, port: int) -> str:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        bound_port = sockets[0].getsockname()[1] if sockets else port
        self.url = f"http://{host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _method(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._fail(name, {}, ApiFailure(*UNAUTHORIZED), request)
        method = self.spec.canonical(name)
        if method is None:
            return self._fail(name, {}, ApiFailure(*NOT_FOUND), request)
        polling = method == "getUpdates"
        activity = self.backend.activity
        if not polling:
            activity.begin()
        params: dict[str, Any] = {}
        try:
            raw = await self._read_params(request)
            params = dict(raw)
            failure: ApiFailure | None = None
            call: Call | None = None
            try:
                call = self.spec.coerce(method, raw)
                call.client_connected = lambda: not _client_gone(request)
                params = call.params
                self.warnings.extend(call.warnings)
            except ApiFailure as exc:
                failure = exc
            self.requests.append((method, params))
            fault = self.faults.take(method)
            if fault is not None and fault.drop:
                return self._drop(request)
            if fault is not None:
                raise fault.failure()
            handler = HANDLERS.get(method)
            if handler is None:
                raise bad_request(f"method {method} is not supported by the emulator")
            if failure is not None:
                raise failure
            assert call is not None
            await self.faults.wait_if_held(method)
            if not call.client_connected():  # the bot gave up (or died) while it was held
                return self._drop(request)
            result = await handler(self.backend, call)
        except ApiFailure as exc:
            return self._fail(method, params, exc, request)
        except Exception as exc:
            log.exception("emulator failed on %s", method)
            failure = ApiFailure(500, f"Internal Server Error: emulator bug: {exc!r}")
            return self._fail(method, params, failure, request)
        finally:
            if not polling:
                activity.end()
        body: dict[str, Any] = {"ok": True}
        if isinstance(result, Described):
            body["result"] = result.result
            body["description"] = result.description
        else:
            body["result"] = result
        return _json_response(body)

    def _fail(
        self, method: str, params: dict[str, Any], failure: ApiFailure, request: web.Request
    ) -> web.Response:
        if not _client_gone(request):  # nobody to tell: e.g. a long poll the bot abandoned
            self.errors.append(
                ApiError(method, params, failure.status, failure.description, failure.parameters)
            )
        return _json_response(failure.body(), failure.status)

    def _drop(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            transport.abort()
        return web.Response(status=503)  # never sent: the connection is already gone

    async def _read_params(self, request: web.Request) -> dict[str, object]:
        raw: dict[str, object] = dict(request.query.items())
        if not request.body_exists:
            return raw
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected as request body")
            raw.update(body)
        elif content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read(decode=True)
                if part.filename is not None:
                    raw[part.name] = Upload(
                        _filename(part.filename),
                        part.headers.get("Content-Type", "application/octet-stream"),
                        bytes(data),
                    )
                else:
                    raw[part.name] = bytes(data).decode(part.get_charset("utf-8"))
        elif content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            raw.update((key, str(value)) for key, value in form.items())
        else:
            self.warnings.append(f"request body of type {content_type!r} ignored")
        return raw

    async def _file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        if request.match_info["token"] != self.token:
            return self._fail(f"file/{path}", {}, ApiFailure(*UNAUTHORIZED), request)
        stored = self.backend.world.file_paths.get(path)
        if stored is None:
            return self._fail(f"file/{path}", {}, ApiFailure(*NOT_FOUND), request)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
