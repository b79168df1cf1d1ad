"""The web board in a real browser (Debian's Chromium, driven by Playwright): the board, an issue
page with its photos, the map with its tiles and markers, and the month's statistics load at a
phone's size (390×844), the narrowest phone's (360×740) and a desk's (1280×800) with no console
error, no failed load and no sideways scroll; and, opened as the bot's Mini App with Telegram's
signed initData, a moderator's board sends it as `Authorization: tma …` and shows reporters'
full names.

The photos come through the Bot API emulator as in test_media; the map's tiles from a tile
server on 127.0.0.1 (any tile URL template works the same way); nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web.server import create_app
from emulator import Emulator
from emulator.browser import VIEWPORTS, Browser
from emulator.images import sample_png
from tests.web.conftest import AMEI, BO, LIN, PEOPLE, Town
from tests.web.test_map_page import locate
from tests.web.test_media import TOKEN, photos_from_telegram
from tests.web.test_moderator_view import init_data
from tests.web.test_stats_page import seeded_month

XIAN = "/c/" + quote("西安村")
AMEI_FULL = " ".join(PEOPLE[AMEI][:2])


@dataclass
class Site:
    root: str
    town: Town
    tile_requests: list[str]


@asynccontextmanager
async def tile_server() -> AsyncIterator[tuple[str, list[str]]]:
    """Any /{z}/{x}/{y}.png is a plain 256×256 PNG, as a real tile server answers."""
    asked: list[str] = []
    tile = sample_png(256, 256, shade=225)

    async def serve(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(body=tile, content_type="image/png")

    app = web.Application()
    app.router.add_get("/{z}/{x}/{y}.png", serve)
    async with TestServer(app, host="127.0.0.1") as server:
        yield f"http://127.0.0.1:{server.port}/{{z}}/{{x}}/{{y}}.png", asked


@pytest.fixture
async def site(town: Town) -> AsyncIterator[Site]:
    await locate(town)
    async with Emulator(token=TOKEN, bot_username="mulin_bot") as emu:
        await photos_from_telegram(emu, town)
        async with tile_server() as (tiles, asked):
            env = {
                "MULIN_DB": str(town.path),
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": emu.api_url,
                "MULIN_MAP_TILES": tiles,
                "MULIN_MAP_ATTRIBUTION": "© test tiles",
                "MULIN_ADMINS": str(BO),
            }
            app = create_app(Settings.from_env(env))
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                yield Site(str(client.make_url("")).rstrip("/"), town, asked)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with Browser() as opened:
        yield opened


def pages(site: Site) -> dict[str, tuple[str, str, str | None]]:
    """name → (path, a text the reader must see, a selector to wait for)."""
    lamp = site.town.issues["lamp"]
    month = seeded_month(site.town)
    return {
        "index": ("/", "西安村", None),
        "board": (XIAN, "3号楼门口路灯不亮", None),
        "issue": (f"/issues/{lamp}", "3号楼门口", ".photos img"),
        "map": (f"{XIAN}/map", "南门外<路面>坑洼 & 积水", ".leaflet-tile-loaded"),
        "stats": (f"{XIAN}/stats?month={month}", "西安村", "svg"),
        "english board": (XIAN + "?lang=en", "Residents say", None),
    }


async def test_every_page_loads_cleanly_on_phones_and_a_desk(site: Site, browser: Browser) -> None:
    problems = []
    for name, (path, expected, wait_for) in pages(site).items():
        for size in VIEWPORTS:
            seen = await browser.visit(site.root + path, size, wait_for=wait_for)
            where = f"{name} at {size}"
            if seen.status != 200:
                problems.append(f"{where}: HTTP {seen.status}")
            if seen.errors:
                problems.append(f"{where}: {seen.errors}")
            if seen.overflow > 0:
                problems.append(f"{where}: scrolls sideways by {seen.overflow}px")
            if expected not in seen.text:
                problems.append(f"{where}: {expected!r} not shown")
            if seen.unlabelled:
                problems.append(f"{where}: unlabelled {seen.unlabelled}")
            if seen.lang != ("en" if "lang=en" in path else "zh-CN"):
                problems.append(f"{where}: lang={seen.lang!r}")
    assert not problems, "\n".join(problems)
    assert site.tile_requests, "the map asked for no tile"


async def test_the_map_shows_a_marker_for_each_located_active_issue(
    site: Site, browser: Browser
) -> None:
    seen = await browser.visit(site.root + f"{XIAN}/map", "phone", wait_for=".leaflet-marker-icon")
    assert not seen.errors
    assert "© test tiles" in seen.text
    # the lamp (open) and the pothole (escalated); not the resolved bench
    assert "#" + str(site.town.issues["pothole"]) in seen.text
    assert "花园长椅断了一条腿" not in seen.text


async def test_the_mini_app_shows_a_moderator_full_names_page_after_page(
    site: Site, browser: Browser
) -> None:
    """Telegram opens the menu button's URL with the signed data in the fragment; the page
    keeps it for the session and fetches each personal page again with the header."""
    signed = quote(init_data(LIN, token=TOKEN), safe="")
    opened = await browser.visit(
        f"{site.root}{XIAN}#tgWebAppData={signed}&tgWebAppVersion=8.0",
        "phone",
        wait_for="body[data-signed]",
        then=f"a[href='/issues/{site.town.issues['lamp']}']",
    )
    assert not opened.errors
    assert AMEI_FULL in opened.text
    assert opened.landed == f"{site.root}{XIAN}"  # the signed data left the address bar
    assert opened.url == f"{site.root}/issues/{site.town.issues['lamp']}"


async def test_a_link_carrying_the_signed_data_works_once_and_leaves_the_address_bar(
    site: Site, browser: Browser
) -> None:
    signed = quote(init_data(LIN, token=TOKEN), safe="")
    link = f"{site.root}/issues/{site.town.issues['lamp']}?tgWebAppData={signed}&lang=en"
    first = await browser.visit(link, "phone")
    assert AMEI_FULL in first.text and not first.errors
    assert first.landed == f"{site.root}/issues/{site.town.issues['lamp']}?lang=en"
    again = await browser.visit(link, "phone")
    assert "Amei" in again.text and AMEI_FULL not in again.text


SIGNED_BY_OTHERS = {
    "forged": lambda: init_data(LIN, token="654321:ANOTHER-BOT"),
    "expired": lambda: init_data(LIN, age=25 * 3600, token=TOKEN),
    "a resident": lambda: init_data(AMEI, token=TOKEN),
}


@pytest.mark.parametrize("who", [*SIGNED_BY_OTHERS, "an ordinary browser"])
async def test_anyone_else_in_the_mini_app_sees_the_public_page(
    site: Site, browser: Browser, who: str
) -> None:
    make = SIGNED_BY_OTHERS.get(who)
    fragment = f"#tgWebAppData={quote(make(), safe='')}" if make else ""
    seen = await browser.visit(
        f"{site.root}/issues/{site.town.issues['lamp']}{fragment}",
        "desk",
        wait_for="body[data-signed]" if make else None,
    )
    assert not seen.errors
    assert "Amei" in seen.text and AMEI_FULL not in seen.text


async def test_the_checks_see_a_sideways_scroll_and_a_broken_script(browser: Browser) -> None:
    """What the page tests rely on: a too-wide block, a field without a label, a page without
    a heading and a script that throws are noticed."""
    page = "<html lang='zh-CN'><meta name=viewport content='width=device-width'><body style='margin:0'>"
    wide = await browser.visit(
        f"data:text/html,{page}<div style='width:500px'>宽</div><input>", "narrow"
    )
    assert wide.overflow == 500 - 360
    assert wide.unlabelled == ["<input>", "0 h1"]
    broken = await browser.visit(f"data:text/html,{page}<script>undefinedThing()</script>", "desk")
    assert any("undefinedThing" in error for error in broken.errors), broken.errors
