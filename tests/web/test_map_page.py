"""The community's map (`/c/<community>/map`): the located active issues as Leaflet markers
(JSON in the page) and as a plain list, Leaflet served from the package, the tiles only when
MULIN_MAP_TILES allows them."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import DEFAULT_MAP_TILES, Settings, SettingsError
from bot.core.i18n import Catalogs
from bot.core.registry import Registry
from bot.issues.notify import Notifier
from bot.issues.service import IssueReported, IssueService, NewIssue
from bot.web import map_page
from bot.web.server import create_app
from bot.web.service import ReadModel
from tests.web.conftest import AMEI, BO, GROUP_8, LIN, TZ, Town, origin, page

Client = TestClient  # type: ignore[type-arg]
XIAN = "/c/西安村"
STATIC = Path(map_page.__file__).resolve().parent / "static" / "leaflet"


async def locate(town: Town) -> None:
    """Two more located issues in 西安村, through the bot's own service: one escalated (on the
    map), one resolved (not on it). The seeded lamp (open) has a location already."""
    lamp = ReadModel(town.path).issue(town.issues["lamp"])
    assert lamp is not None
    community, grid = lamp.issue.community_id, lamp.issue.grid_id
    registry = await Registry.open(town.path)
    try:
        notifier = Notifier(registry, Catalogs("zh_CN", TZ), frozenset())
        clock = [town.start + timedelta(days=5)]
        service = IssueService(registry.db, notifier, clock=lambda: clock[0])
        for key, reporter, text, lat, lon in (
            ("pothole", BO, "南门外<路面>坑洼 & 积水", 24.7301, 118.5507),
            ("bench", AMEI, "花园长椅断了一条腿", 24.7333, 118.5533),
        ):
            clock[0] += timedelta(minutes=30)
            new = NewIssue(reporter, community, grid, GROUP_8, text, "roads",
                           latitude=lat, longitude=lon)  # fmt: skip
            done = await service.report(origin(reporter), new)
            assert isinstance(done, IssueReported), done
            town.issues[key] = done.issue.id
        await service.escalate(origin(LIN), town.issues["pothole"], "需要市政")
        await service.close(origin(LIN), town.issues["bench"], "已更换")
    finally:
        await registry.close()


@pytest.fixture
async def located(town: Town, client: Client) -> Town:
    await locate(town)
    return town


async def served(town: Town, tiles: str) -> AsyncIterator[Client]:
    app = create_app(Settings.from_env({"MULIN_DB": str(town.path), "MULIN_MAP_TILES": tiles}))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


def markers(html: str) -> dict[str, object]:
    raw = html.split('<script type="application/json" id="map-data">', 1)[1].split("</script>")[0]
    data: dict[str, object] = json.loads(raw)
    return data


def listed(html: str) -> list[int]:
    block = html.split('id="map-list">', 1)[1].split("</ul>", 1)[0]
    return [int(n) for n in re.findall(r'href="/issues/(\d+)[^"]*">#', block)]


async def test_markers_and_list_are_the_located_active_issues(
    client: Client, located: Town
) -> None:
    html = await page(client, f"{XIAN}/map")
    expected = sorted([located.issues["lamp"], located.issues["pothole"]], reverse=True)
    points = markers(html)["points"]
    assert isinstance(points, list)
    assert [p["id"] for p in points] == expected
    assert listed(html) == expected
    pothole = next(p for p in points if p["id"] == located.issues["pothole"])
    assert pothole["lat"] == pytest.approx(24.7301) and pothole["lon"] == pytest.approx(118.5507)
    assert pothole["url"] == f"/issues/{located.issues['pothole']}"
    assert pothole["state"] == "已上报"
    assert set(pothole) == {"id", "lat", "lon", "text", "state", "category", "url"}
    assert 'id="map" role="region" aria-label="' in html
    assert '<script src="/static/leaflet/leaflet.js"></script>' in html
    # the JSON is escaped for a <script>: user text cannot close it
    assert "南门外<路面>" not in html.split('id="map-data">', 1)[1].split("</script>")[0]
    assert "南门外&lt;路面&gt;坑洼 &amp; 积水" in html  # and the list escapes it as HTML


async def test_leaflet_buttons_speak_the_reader_language(client: Client, located: Town) -> None:
    chinese = markers(await page(client, f"{XIAN}/map"))["controls"]
    assert chinese == {"zoomIn": "放大", "zoomOut": "缩小", "close": "关闭"}
    english = markers(await page(client, f"{XIAN}/map?lang=en"))["controls"]
    assert english == {"zoomIn": "Zoom in", "zoomOut": "Zoom out", "close": "Close"}


async def test_the_community_page_links_to_its_map(client: Client) -> None:
    html = await page(client, XIAN)
    assert f'href="{quote(XIAN)}/map">🗺 地图</a>' in html
    english = await page(client, f"{XIAN}?lang=en")
    assert f'href="{quote(XIAN)}/map?lang=en">🗺 Map</a>' in english


async def test_in_english_links_keep_the_language(client: Client, town: Town) -> None:
    html = await page(client, f"{XIAN}/map?lang=en")
    assert '<html lang="en">' in html
    assert f'href="/issues/{town.issues["lamp"]}?lang=en"' in html
    assert "西安村 · map" in html and "The same issues, as a list" in html


async def test_a_community_without_located_issues_says_so(client: Client) -> None:
    html = await page(client, "/c/鸿塔社区/map?lang=en")
    assert "No open or escalated issue here has a location yet." in html
    assert 'id="map"' not in html


async def test_an_unknown_community_is_a_404_page(client: Client) -> None:
    html = await page(client, "/c/nowhere/map", status=404)
    assert "leaflet.js" not in html


async def test_the_tiles_come_from_the_setting(client: Client, town: Town) -> None:
    html = await page(client, f"{XIAN}/map")
    assert markers(html)["tiles"] == DEFAULT_MAP_TILES
    assert markers(html)["attribution"] == "© OpenStreetMap contributors"
    async for other in served(town, "https://tiles.example.org/{z}/{x}/{y}.png"):
        html = await page(other, f"{XIAN}/map")
        assert markers(html)["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    for off in ("none", ""):
        async for blank in served(town, off):
            html = await page(blank, f"{XIAN}/map")
            assert markers(html)["tiles"] is None
            assert "tile.openstreetmap.org" not in html
            assert listed(html) == [town.issues["lamp"]]


def test_a_tiles_setting_without_its_placeholders_is_refused() -> None:
    with pytest.raises(SettingsError, match="MULIN_MAP_TILES"):
        Settings.from_env({"MULIN_MAP_TILES": "https://tiles.example.org/tile.png"})


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/leaflet/leaflet.js", "text/javascript"),
        ("/static/leaflet/leaflet.css", "text/css"),
        ("/static/leaflet/images/marker-icon.png", "image/png"),
    ],
)
async def test_leaflet_is_served_with_a_type_and_cache_headers(
    client: Client, path: str, kind: str
) -> None:
    response = await client.get(path)
    body = await response.read()
    assert response.status == 200 and body
    assert response.content_type == kind
    assert "max-age" in response.headers["Cache-Control"]
    assert body == (STATIC / path.removeprefix("/static/leaflet/")).read_bytes()


@pytest.mark.parametrize(
    "path",
    ["/static/", "/static/leaflet/", "/static/leaflet/LICENSE", "/static/../map_page.py",
     "/static/leaflet/%2e%2e/%2e%2e/map_page.py", "/static/leaflet/nothing.js"],
)  # fmt: skip
async def test_no_listing_and_nothing_else_under_static(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status == 404
    assert "Leaflet" not in await response.text()


def test_the_licence_ships_with_leaflet() -> None:
    licence = (STATIC / "LICENSE").read_text()
    assert licence.startswith("BSD 2-Clause License") and "Agafonkin" in licence
    assert "1.9.4" in (STATIC / "README.md").read_text()
    assert "Leaflet 1.9.4" in (STATIC / "leaflet.js").read_text()[:200]
