"""Fixtures for the emulator's own tests: a running emulator and a raw HTTP client for it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulator import Emulator


class RawApi:
    """Calls Bot API methods with exactly the body a test chooses (form, JSON, multipart)."""

    def __init__(self, session: aiohttp.ClientSession, emu: Emulator) -> None:
        self.session = session
        self.emu = emu

    async def call(
        self,
        method: str,
        *,
        form: dict[str, Any] | None = None,
        json_body: Any = None,
        query: dict[str, str] | None = None,
        data: aiohttp.FormData | None = None,
        token: str | None = None,
        http_method: str = "POST",
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.emu.api_url}/bot{token or self.emu.token}/{method}"
        kwargs: dict[str, Any] = {"params": query}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body)
            kwargs["headers"] = {"Content-Type": "application/json"}
        elif form is not None:
            kwargs["data"] = {
                k: v if isinstance(v, str) else json.dumps(v) for k, v in form.items()
            }
        elif data is not None:
            kwargs["data"] = data
        async with self.session.request(http_method, url, **kwargs) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, form=params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def fail(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, form=params)
        assert status >= 400 and not body["ok"], body
        assert body["error_code"] == status
        return status, body["description"]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def api(emu: Emulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(session, emu)
