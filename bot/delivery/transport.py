"""PTB's requests carried by aiohttp instead of httpx.

PTB lets a bot bring its own networking backend (a `telegram.request.BaseRequest`): PTB still
builds every request, parses every answer and raises its errors; this class only moves bytes.
aiohttp parses HTTP in C; httpx/httpcore/h11 do it in Python and check every pooled connection
on each request: under load they were 43 % of Mulin's CPU, more than all of Mulin's own code
(bench/throughput.py; README, Performance).
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# How many requests may be in flight at once: 30 messages a second at Telegram's ~0.25 s each
# need 8; the outbox serves 16 chats at once but most of them wait in the rate limiter.
POOL_SIZE = 16
JSON_HEADERS = {"Content-Type": "application/json"}
KEPT_UPDATES = 1000  # getUpdates returns at most 100 a batch


def _seconds(value: object, default: float | None) -> float | None:
    """PTB passes DEFAULT_NONE for "use the default", None for "no limit", or a number."""
    if isinstance(value, int | float):
        return float(value)
    if value is None:
        return None
    return default


def _body(
    request_data: RequestData | None,
) -> tuple[aiohttp.FormData | bytes | None, dict[str, str] | None]:
    """A request's parameters as one JSON object (Telegram reads JSON bodies; PTB's own
    transport url-encodes each value's JSON, which cost 3.4 % of the bot's CPU under load), or
    a multipart form when files go with them."""
    if request_data is None or not request_data.parameters:
        return None, None
    if not request_data.contains_files:
        payload = json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":"))
        return payload.encode(), JSON_HEADERS
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        pool_size: int = POOL_SIZE,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 10.0,
        media_write_timeout: float | None = 20.0,
        keep_updates: bool = False,
    ) -> None:
        self._pool_size = pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._keep_updates = keep_updates
        # getUpdates' updates as Telegram sent them, by id, until the inbox takes them
        self.fetched: dict[int, dict[str, Any]] = {}

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """PTB's parsing (BaseRequest documents overriding it); for getUpdates, each update's
        JSON is also kept as it came: the inbox stores it without rebuilding it from PTB's
        objects (Update.to_dict was 3.6 % of the bot's CPU under load). PTB copies what it
        parses, so these dicts stay as Telegram sent them. (A static method in PTB, which calls
        it on the instance: hence the override by a method.)"""
        parsed: dict[str, Any] = BaseRequest.parse_json_payload(payload)
        result = parsed.get("result")
        if self._keep_updates and isinstance(result, list):
            if len(self.fetched) > KEPT_UPDATES:  # nobody took them: the inbox rebuilds its own
                self.fetched.clear()
            for item in result:
                if isinstance(item, dict) and isinstance(item.get("update_id"), int):
                    self.fetched[item["update_id"]] = item
        return parsed

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        body, headers = _body(request_data)
        files = request_data is not None and request_data.contains_files
        read = _seconds(read_timeout, self._read)
        write = _seconds(write_timeout, self._media_write if files else self._write)
        connect = _seconds(connect_timeout, self._connect)
        pool = _seconds(pool_timeout, self._pool)
        # aiohttp has no write timeout of its own: the whole request is bounded instead.
        total = (
            None if read is None or write is None else read + write + (connect or 0) + (pool or 0)
        )
        timeout = aiohttp.ClientTimeout(
            total=total,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
