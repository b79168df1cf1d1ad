"""The server's page helpers for the pages kept in modules of their own (stats_page, map_page):
`create_app` (bot/web/server.py) sets them on the application once, so those modules need not
import the server, which imports them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.core.i18n import Translator
from bot.web.service import Community, ReadModel

LANGUAGE_OF_PAGE = {"en": "en", "zh-CN": "zh_CN"}  # <html lang> → locale


@dataclass(frozen=True)
class Pages:
    render: Callable[..., web.Response]
    read: Callable[[web.Request, Callable[[ReadModel], Any]], Awaitable[Any]]
    link: Callable[..., str]
    translator: Callable[[web.Request], Translator]
    error: Callable[[int, str], Exception]  # raised: the server's error page


PAGES = web.AppKey("mulin_web_pages", Pages)


async def community_or_404(request: web.Request) -> tuple[Community, list[tuple[int, str]]]:
    """The community the path names (`/c/<community>/…`) and its grids, or the 404 page."""
    pages = request.app[PAGES]
    key = request.match_info["community"]
    found: tuple[Community, list[tuple[int, str]]] | None = await pages.read(
        request, lambda m: m.community(key)
    )
    if found is None:
        raise pages.error(404, pages.translator(request).p_("web", "There is no such community."))
    return found
