"""The public web board: `create_app(settings)` → an aiohttp Application with server-rendered
pages (Jinja2 templates in bot/web/templates, package data) and the Open311 API (open311.py).

Pages (SPEC "The public board on the web"): `/` the communities; `/c/<community>` (its name,
or its number) the three boards, `?grid=<grid name>&category=<key>` filters, one board's pages
with `?board=open|escalated|resolved&page=N`; `/issues/<N>` the card; `/c/<community>/stats` (stats_page.py) and `/c/<community>/map`
with `/static/` (map_page.py). Chinese by default
(MULIN_LOCALE), `?lang=en` for English; every link keeps the language. Unknown pages are a 404
page and malformed paging a 400 page, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.web import map_page, open311, stats_page, views
from bot.web.initdata import QUERY_PARAMETER, OnceOnly, from_request_headers, validate
from bot.web.media import DiskCache, MediaStore, Telegram
from bot.web.pages import PAGES, Pages, community_or_404
from bot.web.service import BOARD_STATES, ReadModel, Unavailable

log = logging.getLogger(__name__)

PER_BOARD = 20  # lines of each board on the community's page, and on a board's own pages
LANGUAGES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "en": "en"}


@dataclass(frozen=True)
class Web:
    model: ReadModel
    catalogs: Catalogs
    templates: jinja2.Environment
    media: MediaStore
    token: str | None = None  # checks the Mini App's initData; never shown or logged
    links_used: OnceOnly = field(default_factory=OnceOnly)  # ?tgWebAppData= honoured once


WEB = web.AppKey("mulin_web", Web)


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def translator(request: web.Request) -> Translator:
    chosen = LANGUAGES.get(request.query.get("lang", "").lower())
    return request.app[WEB].catalogs.get(chosen)


def link(request: web.Request, path: str, **params: str | int | None) -> str:
    """A link on this site that keeps the reader's `?lang=`."""
    query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    if "lang" in request.query:
        query["lang"] = request.query["lang"]
    return path + ("?" + urlencode(query) if query else "")


def render(request: web.Request, name: str, status: int = 200, **page: Any) -> web.Response:
    t = translator(request)
    other = "zh" if t.language == "en" else "en"
    # the Mini App's initData is never copied into a link (it names the viewer)
    query = {k: v for k, v in request.query.items() if k not in ("lang", QUERY_PARAMETER)}
    query["lang"] = other
    html = (
        request.app[WEB]
        .templates.get_template(name)
        .render(
            lang=t.locale.replace("_", "-"),
            labels=views.labels(t),
            other_language_url=request.rel_url.raw_path + "?" + urlencode(query),
            home=link(request, "/"),
            miniapp=bool(request.app[WEB].token),
            **({"personal_page": False} | page),
        )
    )
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    # no page's address (it may have carried ?tgWebAppData= once) goes on in a Referer
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def viewer(request: web.Request) -> int | None:
    """The Telegram user a valid, fresh initData vouches for; None (the public page) for
    no initData, a forged or a stale one, or a board without the bot token."""
    token = request.app[WEB].token
    header = from_request_headers(request.headers.get("Authorization"), None)
    raw = header or from_request_headers(None, request.query.get(QUERY_PARAMETER))
    if raw is None or not token:
        return None
    now = datetime.now(UTC)
    user = validate(raw, token, now)
    if user is None or not request.app[WEB].links_used.allows(raw, user, now, in_link=not header):
        return None
    return user.id


def personal(response: web.Response, request: web.Request) -> web.Response:
    """A page that may depend on who asked is never kept by a shared cache."""
    response.headers["Vary"] = "Authorization"
    if from_request_headers(
        request.headers.get("Authorization"), request.query.get(QUERY_PARAMETER)
    ):
        response.headers["Cache-Control"] = "private, no-store"
    return response


async def read(request: web.Request, call: Callable[[ReadModel], Any]) -> Any:
    """A read-model call off the event loop (it runs beside the bot's updates)."""
    return await asyncio.to_thread(call, request.app[WEB].model)


async def index(request: web.Request) -> web.Response:
    found = await read(request, lambda m: m.communities())
    items = [
        {
            "name": c.name,
            "url": link(request, views.community_path(c.id, c.name)),
            "active": c.active,
        }
        for c in found
    ]
    return render(
        request, "index.html", title=views.labels(translator(request))["site"], items=items
    )


def _page(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 6) or not 1 <= int(raw) <= 100_000:
        raise PageError(400, translator(request).p_("web", "The page number is not valid."))
    return int(raw)


def _filters(
    request: web.Request, grids: list[tuple[int, str]]
) -> tuple[int | None, str | None, str | None]:
    t = translator(request)
    grid_name = request.query.get("grid") or None
    grid_id = None
    if grid_name is not None:
        matches = [gid for gid, name in grids if name.casefold() == grid_name.casefold()]
        if not matches:
            raise PageError(404, t.p_("web", "There is no such grid here."))
        grid_id = matches[0]
    category = request.query.get("category") or None
    if category is not None and category not in dict(views.categories(t)):
        raise PageError(400, t.p_("web", "There is no such category."))
    board = request.query.get("board") or None
    if board is not None and board not in BOARD_STATES:
        raise PageError(400, t.p_("web", "There is no such board."))
    return grid_id, category, board


async def community(request: web.Request) -> web.Response:
    t = translator(request)
    place, grids = await community_or_404(request)
    grid_id, category, only = _filters(request, grids)
    page = _page(request)
    states = (only,) if only else BOARD_STATES
    offset = (page - 1) * PER_BOARD if only else 0
    who = viewer(request)
    pages = await read(
        request,
        lambda m: [
            m.board(
                place.id, s, grid_id=grid_id, category=category, offset=offset, limit=PER_BOARD,
                viewer=who,
            )
            for s in states
        ],
    )  # fmt: skip
    now = datetime.now(t.tz)
    here = views.community_path(place.id, place.name)
    filters = {"grid": request.query.get("grid"), "category": category}
    boards = []
    for p in pages:
        shown = views.board(t, p, now)
        for item in shown["lines"]:
            item["url"] = link(request, f"/issues/{item['id']}")
        after = p.offset + len(p.lines) < p.total
        shown["more"] = (
            link(request, here, board=p.state, page=2, **filters) if after and not only else None
        )
        shown["next"] = (
            link(request, here, board=p.state, page=page + 1, **filters) if after and only else None
        )
        shown["previous"] = (
            link(request, here, board=p.state, page=page - 1, **filters)
            if only and page > 1
            else None
        )
        boards.append(shown)
    return personal(render(
        request,
        "community.html",
        personal_page=True,
        title=place.name,
        boards=boards,
        grids=[name for _, name in grids],
        categories=views.categories(t),
        chosen={
            "grid": request.query.get("grid", ""),
            "category": category or "",
            "board": only or "",
        },
        lang_value=request.query.get("lang", ""),
        action=here,
        all_boards=link(request, here, **filters) if only else None,
    ), request)  # fmt: skip


async def issue(request: web.Request) -> web.Response:
    t = translator(request)
    raw = request.match_info["number"].lstrip("#")
    number = int(raw) if raw.isdecimal() and len(raw) < 10 else None
    who = viewer(request)
    found = await read(request, lambda m: m.issue(number, who)) if number is not None else None
    if found is None:
        raise PageError(404, t.p_("web", "There is no such issue."))
    card = views.issue(t, found)
    card["community_url"] = link(
        request, views.community_path(found.community.id, found.community.name)
    )
    page = render(request, "issue.html", title=f"#{found.issue.id}", card=card, personal_page=True)
    return personal(page, request)


# A /media/ id always names the same photo: browsers and proxies may keep it for a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


async def photo(request: web.Request) -> web.Response:
    """A resident's photo (never a voice note): a 404 page when there is none, when the board
    has no bot token to fetch it with, or when Telegram will not hand it out."""
    media = request.match_info["media"]
    file_id = await read(request, lambda m: m.photo_file(media))
    got = await request.app[WEB].media.get(media, file_id) if file_id is not None else None
    if got is None:
        raise PageError(404, translator(request).p_("web", "There is no such photo."))
    data, kind = got
    headers = {"Cache-Control": MEDIA_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    return web.Response(body=data, content_type=kind, headers=headers)


def media_store(settings: Settings) -> MediaStore:
    """Photos cached beside the database; fetched from Telegram only when a token is set."""
    cap = int(settings.media_cache_mb * 1024 * 1024)
    cache = DiskCache(settings.db_path.resolve().parent / "media-cache", cap)
    telegram = Telegram(settings.api_url, settings.token) if settings.token else None
    return MediaStore(cache, telegram)


@web.middleware
async def errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A 404 or 400 page in the reader's language; an unexpected failure is logged and shown
    as a 500 page, never a traceback. Open311's answers have their own error format."""
    if request.path.startswith("/open311/"):
        return await handler(request)
    t = translator(request)
    try:
        return await handler(request)
    except PageError as exc:
        return render(request, "error.html", exc.status, title=str(exc.status), message=exc.message)
    except web.HTTPNotFound:
        message = t.p_("web", "There is no such page.")
        return render(request, "error.html", 404, title="404", message=message)
    except Unavailable:
        log.exception("the web board cannot read the database")
        message = t.p_("web", "The board is not available right now. Please try again later.")
        return render(request, "error.html", 503, title="503", message=message)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("web page %s failed", request.path)
        message = t.p_("web", "Something went wrong. Please try again later.")
        return render(request, "error.html", 500, title="500", message=message)


async def _close_media(app: web.Application) -> None:
    telegram = app[WEB].media.telegram
    if telegram is not None:
        await telegram.close()


def create_app(settings: Settings) -> web.Application:
    """The web board of `settings.db_path` (read-only) in `settings.tz` and `settings.locale`."""
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    app = web.Application(middlewares=[errors])
    model = ReadModel(settings.db_path, settings.admins)
    catalogs = Catalogs(settings.locale, settings.tz)
    app[WEB] = Web(model, catalogs, templates, media_store(settings), settings.token)
    app.on_cleanup.append(_close_media)
    app.router.add_get("/", index)
    app.router.add_get("/c/{community}", community)
    app.router.add_get("/issues/{number}", issue)
    app.router.add_get("/media/{media}", photo)
    open311.setup(app, model, catalogs, settings.web_url)
    app[PAGES] = Pages(render, read, link, translator, PageError)
    stats_page.setup(app, settings, catalogs, templates)
    map_page.setup(app, settings, catalogs, templates)
    return app
