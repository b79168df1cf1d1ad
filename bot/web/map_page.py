"""`/c/<community>/map`: the community's active issues (open and escalated; not the resolved
ones, which need no one's attention) that have a map point, as Leaflet markers AND as a plain
list, so that without JavaScript, without tiles or with a screen reader the page still says
everything. What a marker shows comes from the read model (`ReadModel.located`): number, text
excerpt, state, category, a link to the card; no person at all.

Leaflet is served from the package (bot/web/static/leaflet, its npm release with its licence),
never from a CDN: a board must not send readers to a third party it did not choose. Only the
tiles may come from elsewhere, from MULIN_MAP_TILES (OpenStreetMap by default; `none`: no tile
layer, the markers on a blank map).

Like stats_page, this module finds the server's page helpers on the application
(bot/web/pages.py) instead of importing bot.web.server (which registers it).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.web.pages import LANGUAGE_OF_PAGE, PAGES, community_or_404
from bot.web.views import community_path, map_point

STATIC = Path(__file__).resolve().parent / "static"
# Only these are served from STATIC (never its README or LICENSE listing, never a directory).
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
# The vendored files change only with a release of the bot: browsers may keep them a day.
STATIC_CACHE_CONTROL = "public, max-age=86400"
TILES = web.AppKey("mulin_web_map_tiles", tuple)


def setup(
    app: web.Application,
    settings: Settings,
    catalogs: Catalogs,
    templates: jinja2.Environment,
) -> None:
    app[TILES] = (settings.map_tiles, settings.map_attribution)

    def map_label(lang: str) -> str:
        """The community page's link to its map."""
        return label(catalogs.get(LANGUAGE_OF_PAGE.get(lang)))

    templates.globals["map_label"] = map_label
    app.router.add_get("/c/{community}/map", map_page)
    app.router.add_get("/static/{path:.+}", static)


def label(t: Translator) -> str:
    return t.p_("web", "🗺 Map")


async def map_page(request: web.Request) -> web.Response:
    pages = request.app[PAGES]
    t = pages.translator(request)
    place, _ = await community_or_404(request)
    located = await pages.read(request, lambda m: m.located(place.id))
    points = [map_point(t, p, pages.link(request, f"/issues/{p.id}")) for p in located]
    tiles, attribution = request.app[TILES]
    return pages.render(
        request,
        "map.html",
        title=t.p_("web", "{community} · map").format(community=place.name),
        community=place.name,
        community_url=pages.link(request, community_path(place.id, place.name)),
        points=points,
        tiles=tiles,
        attribution=attribution,
        map_name=t.p_("web", "Map of the open and escalated issues that have a location"),
        list_title=t.p_("web", "The same issues, as a list"),
        empty=t.p_("web", "No open or escalated issue here has a location yet."),
        no_tiles=None if tiles else t.p_("web", "This board shows the map without its tiles."),
        # Leaflet's own buttons say "Zoom in", "Zoom out" and "Close popup" in English
        controls={
            "zoomIn": t.p_("web", "Zoom in"),
            "zoomOut": t.p_("web", "Zoom out"),
            "close": t.p_("web", "Close"),
        },
    )


async def static(request: web.Request) -> web.StreamResponse:
    """A vendored file under bot/web/static: known kinds only, never outside the folder."""
    pages = request.app[PAGES]
    wanted = (STATIC / request.match_info["path"]).resolve()
    kind = STATIC_TYPES.get(wanted.suffix)
    if kind is None or not wanted.is_relative_to(STATIC) or not wanted.is_file():
        raise pages.error(404, pages.translator(request).p_("web", "There is no such page."))
    headers = {
        "Cache-Control": STATIC_CACHE_CONTROL,
        "Content-Type": kind,
        "X-Content-Type-Options": "nosniff",
    }
    return web.FileResponse(wanted, headers=headers)
