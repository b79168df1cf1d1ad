"""The demo's web scene: a resident reports a loose manhole cover with a photo and the place on
the map; then the public board (the same database, read-only, the photo fetched through the
Bot API emulator) is opened in a real browser (Debian's Chromium) at a phone's and a desk's
size, and each page is saved as a screenshot under demo-output/web/.

The map is shown without tiles (MULIN_MAP_TILES=none): the demo is offline.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from aiohttp import web

from bot.web.server import create_app
from emulator.browser import VIEWPORTS, Browser, NoChromium, Visit

if TYPE_CHECKING:
    from emulator.demo import Director

MANHOLE = (24.71748, 118.46273)  # 海景湾二期 south gate, Anhai


async def report_with_a_place(d: Director) -> int:
    """阿波 reports in private: words, the place as a Telegram location, one photo."""
    dm = d.chats[d.people["bo"].id]
    await d.say("bo", dm, "/report")
    await d.press("bo", d.last(dm), "🏗 公共设施")
    await d.say("bo", dm, "南门外井盖松动，电动车压过去哐哐响，晚上很危险")
    d.out(f"[{d.people['bo'].first_name}] 📍 ({MANHOLE[0]}, {MANHOLE[1]})")
    await d.emu.send_location(d.people["bo"], dm, *MANHOLE)
    await d.settle()
    await d.photos("bo", dm, 1)
    await d.press("bo", d.with_button(dm, "完成 ›"), "完成 ›")
    await d.press("bo", d.last(dm), "👤 显示我的名字")
    await d.press("bo", d.last(dm), "✅ 提交")
    found = re.search(r"#(\d+)", d.last(dm).text or "")
    assert found, d.last(dm).text
    return int(found.group(1))


def pages(issue: int) -> list[tuple[str, str, str | None]]:
    """name, path, and what to wait for before the picture is taken."""
    xian = "/c/" + quote("西安村")
    return [
        ("index", "/", None),
        ("board", xian, None),
        ("issue", f"/issues/{issue}", ".photos img"),
        ("map", f"{xian}/map", ".leaflet-marker-icon"),
        ("stats", f"{xian}/stats", "svg"),
        ("board-en", f"{xian}?lang=en", None),
    ]


async def photograph(d: Director, root: str, issue: int, out: Path) -> list[str]:
    """Every page at every size, saved; what a reader would have noticed is wrong, listed."""
    problems: list[str] = []
    async with Browser() as browser:
        for name, path, wait_for in pages(issue):
            for size in ("phone", "desk"):
                shot = out / f"{name}-{size}.png"
                seen = await browser.visit(root + path, size, screenshot=shot, wait_for=wait_for)
                wrong = _wrong(seen)
                mark = "✗ " + "; ".join(wrong) if wrong else "✓"
                width, height = VIEWPORTS[size]
                d.out(f"[web · {size} {width}×{height}] {unquote(path)} → {shot} {mark}")
                problems += [f"{path} at {size}: {w}" for w in wrong]
    return problems


def _wrong(seen: Visit) -> list[str]:
    wrong = [] if seen.status == 200 else [f"HTTP {seen.status}"]
    if seen.overflow > 0:
        wrong.append(f"scrolls sideways by {seen.overflow}px")
    if seen.unlabelled:
        wrong.append(f"unlabelled: {seen.unlabelled}")
    return wrong + seen.errors


async def scene_web(d: Director) -> None:
    d.scene("第十三幕 · 网上公开栏  Scene 13 · the boards on the web, in a real browser")
    issue = await report_with_a_place(d)
    settings = dataclasses.replace(d.world.settings, map_tiles=None)
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    d.out(f"(python -m bot web --listen 127.0.0.1:{port} on the demo's database, tiles off)")
    try:
        root = f"http://127.0.0.1:{port}"
        d.failures += await photograph(d, root, issue, d.output / "web")
    except NoChromium as missing:
        d.failures.append(str(missing))
    finally:
        await runner.cleanup()
