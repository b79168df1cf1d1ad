"""What a reader, a crawler or a misconfigured server may throw at the web board, found in a
review: numbers too long for SQLite or for Python's int(), community names holding `/`, `#`,
`%` or only digits, and a database path with characters that mean something in a URI. Each gets
the page it should — the right community, a 400 or a 404 — never a 500."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web.server import create_app
from tests.web.conftest import Town

Client = TestClient  # type: ignore[type-arg]


async def status(client: Client, path: str) -> int:
    response = await client.get(path)
    assert "Traceback" not in await response.text()
    return response.status


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/c/99999999999999999999", 404),
        ("/c/99999999999999999999/stats", 404),
        ("/c/99999999999999999999/map", 404),
        ("/c/" + "9" * 5000, 404),
        ("/c/１", 404),  # a full-width digit is a name, and no community has it
        ("/c/1?page=" + "9" * 5000, 400),
        ("/c/1?board=open&page=" + "9" * 5000, 400),
        ("/issues/" + "9" * 5000, 404),
    ],
)
async def test_numbers_too_long_are_a_404_or_a_400(
    client: Client, path: str, expected: int
) -> None:
    assert await status(client, path) == expected


def rename(town: Town, old: str, new: str) -> None:
    with sqlite3.connect(town.path) as conn:
        conn.execute("UPDATE communities SET name = ? WHERE name = ?", (new, old))


@pytest.mark.parametrize("name", ["东区/西区", "A#B 100%", "海景湾?二期"])
async def test_every_link_to_a_community_with_an_awkward_name_works(
    client: Client, town: Town, name: str
) -> None:
    rename(town, "西安村", name)
    home = await (await client.get("/")).text()
    (board,) = [h for h in re.findall(r'href="(/c/[^"?]+)"', home) if unquote(h[3:]) == name]
    html = await (await client.get(board)).text()
    assert f"<h1>{name.replace('&', '&amp;')}</h1>" in html
    links = set(re.findall(r'(?:href|action)="(/c/[^"]+)"', html))
    assert {board, board + "/map", board + "?lang=en"} <= {x.replace("&amp;", "&") for x in links}
    for link in links:
        assert await status(client, link.replace("&amp;", "&")) == 200, link


async def test_a_community_named_with_digits_and_the_bots_numbered_links(
    client: Client, town: Town
) -> None:
    """The bot links /c/<number> (it survives a rename); a community named "1" is reached by
    the link the board gives it, and /c/1 stays the first community."""
    rename(town, "鸿塔社区", "1")
    home = await (await client.get("/")).text()
    (link,) = re.findall(r'href="(/c/\d+)">1</a>', home)
    assert "<h1>1</h1>" in await (await client.get(link)).text()
    assert "<h1>西安村</h1>" in await (await client.get("/c/1")).text()


async def test_a_database_path_with_uri_characters(town: Town, tmp_path: Path) -> None:
    odd = tmp_path / "p%41#q?r" / "mulin.sqlite3"
    odd.parent.mkdir()
    shutil.copy(town.path, odd)
    app = create_app(Settings.from_env({"MULIN_DB": str(odd)}))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for path in ("/", "/c/1", "/c/1/stats", "/open311/v2/requests.json"):
            assert await status(client, path) == 200, path
