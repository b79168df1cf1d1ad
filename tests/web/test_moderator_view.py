"""The moderators' view: a viewer whose Telegram initData is valid and fresh, and who moderates
the community (a grid worker there, or a superadmin), sees reporters' full names on its boards
and issue pages, the anonymous reporter's included; a resident, a forged or a stale initData,
and a board without the token see the public page."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import quote, urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web.initdata import sign
from bot.web.server import create_app
from bot.web.serving import PathOnly
from tests.web.conftest import AMEI, BO, LIN, PEOPLE, Town

Client = TestClient  # type: ignore[type-arg]
TOKEN = "123456:MODERATOR-VIEW-TOKEN"
XIAN = "/c/西安村"
HIDDEN_FULL = "Qiaoqiao Secretlast"


def init_data(user_id: int, *, age: float = 60, token: str = TOKEN) -> str:
    first, last, _ = PEOPLE[user_id]
    fields = {
        "auth_date": str(int(time.time() - age)),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": first, "last_name": last}),
    }
    return urlencode({**fields, "hash": sign(fields, token)})


def tma(data: str) -> dict[str, str]:
    return {"Authorization": f"tma {data}"}


@pytest.fixture
async def board(town: Town) -> AsyncIterator[Client]:
    settings = Settings.from_env(
        {"MULIN_DB": str(town.path), "TELEGRAM_BOT_TOKEN": TOKEN, "MULIN_ADMINS": str(BO)}
    )
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        yield client


async def pages(client: Client, town: Town, headers: dict[str, str], query: str = "") -> str:
    texts = []
    for path in (XIAN, f"/issues/{town.issues['lamp']}", f"/issues/{town.issues['anonymous']}"):
        response = await client.get(path + query, headers=headers)
        assert response.status == 200, path
        texts.append(await response.text())
    return "\n".join(texts)


def public(text: str) -> bool:
    return all(last not in text for _, last, _ in PEOPLE.values()) and "Qiaoqiao" not in text


async def test_a_grid_worker_sees_full_names_and_the_anonymous_reporter(
    board: Client, town: Town
) -> None:
    response = await board.get(f"/issues/{town.issues['anonymous']}", headers=tma(init_data(LIN)))
    text = await response.text()
    assert f"👤 {HIDDEN_FULL}" in text
    assert response.headers["Cache-Control"] == "private, no-store"
    lamp = await board.get(f"/issues/{town.issues['lamp']}", headers=tma(init_data(LIN)))
    lamp_text = await lamp.text()
    assert "👤 Amei Ouyangsurname" in lamp_text
    community = await (await board.get(XIAN, headers=tma(init_data(LIN)))).text()
    assert f"👤 {HIDDEN_FULL}" in community and "👤 Amei Ouyangsurname" in community
    assert "👤 Bo Bolast" in community


async def test_the_query_parameter_serves_the_first_load_only(board: Client, town: Town) -> None:
    """A link with ?tgWebAppData= copied, shared or kept in a proxy's log opens the public
    page: only its first use shows a moderator's view. The header alone is not limited."""
    data = init_data(LIN)
    path = f"/issues/{town.issues['anonymous']}"
    first = await board.get(f"{path}?tgWebAppData=" + quote(data))
    assert HIDDEN_FULL in await first.text()
    assert first.headers["Referrer-Policy"] == "no-referrer"  # not passed on to the next page
    assert public(await (await board.get(f"{path}?tgWebAppData=" + quote(data))).text())
    # the value seen in a URL (a log, a Referer) is burnt for the header too
    assert public(await (await board.get(path, headers=tma(data))).text())
    fresh = init_data(LIN, age=3600)  # another signing (an hour apart: never the same string)
    for _ in range(2):
        assert HIDDEN_FULL in await (await board.get(path, headers=tma(fresh))).text()


async def test_a_moderator_sees_the_anonymous_reporter_in_the_history_too(
    board: Client, town: Town
) -> None:
    path = f"/issues/{town.issues['anonymous']}"
    history = (await (await board.get(path, headers=tma(init_data(LIN)))).text()).split("<ol", 1)[1]
    assert "Qiaoqiao Secretlast 反映了问题" in history and "反映人" not in history
    public_history = (await (await board.get(path)).text()).split("<ol", 1)[1]
    assert "反映人 反映了问题" in public_history and "Qiaoqiao" not in public_history


async def test_a_superadmin_sees_full_names(board: Client, town: Town) -> None:
    assert HIDDEN_FULL in await pages(board, town, tma(init_data(BO)))


async def test_a_resident_sees_first_names_only(board: Client, town: Town) -> None:
    text = await pages(board, town, tma(init_data(AMEI)))
    assert public(text) and "👤 Amei" in text and "👤 反映人" in text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(init_data(LIN, token="654321:SOMEONE-ELSE"), id="forged"),
        pytest.param(init_data(LIN).replace("hash=", "hash=0"), id="garbled"),
        pytest.param(init_data(LIN, age=25 * 3600), id="expired"),
        pytest.param(init_data(LIN, age=-3600), id="from-the-future"),
    ],
)
async def test_forged_or_stale_init_data_sees_the_public_page(
    board: Client, town: Town, data: str
) -> None:
    text = await pages(board, town, tma(data))
    assert public(text) and "👤 反映人" in text
    text = await pages(board, town, {}, "?tgWebAppData=" + quote(data))
    assert public(text)


async def test_without_the_token_nobody_is_vouched_for(client: Client, town: Town) -> None:
    assert public(await pages(client, town, tma(init_data(LIN))))


async def test_anonymous_visitors_see_the_public_page(board: Client, town: Town) -> None:
    response = await board.get(f"/issues/{town.issues['anonymous']}")
    assert public(await response.text())
    assert response.headers["Vary"] == "Authorization"
    assert "Cache-Control" not in response.headers


async def test_the_access_log_keeps_no_init_data(
    town: Town, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    settings = Settings.from_env({"MULIN_DB": str(town.path), "TELEGRAM_BOT_TOKEN": TOKEN})
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server(access_log_class=PathOnly)  # as serving.py runs the board
    async with TestClient(server) as client:
        data = quote(init_data(LIN))
        path = f"/issues/{town.issues['anonymous']}"
        response = await client.get(f"{path}?tgWebAppData={data}", headers={"Referer": data})
        assert HIDDEN_FULL in await response.text()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any(path in line for line in lines), lines
    assert not [line for line in lines if "Gridworkerlast" in line or "auth_date" in line]
