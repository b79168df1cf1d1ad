"""`/c/<community>/stats?month=YYYY-MM`: a month's figures on the web, as the bot's /stats gives
them, and the same as a chart drawn inline as SVG.

The figures come from the stats feature's service (`StatsService.compare`), so the web counts
exactly what the bot counts, and its lines are the bot's own (bot/stats/views.py `totals`,
`breakdown`, through the web's views): the same words in both places. The chart is an inline
SVG, not the bot's matplotlib chart: nothing heavy on the request path, nothing to cache, and
its <title> and <desc> are the alt text.

`StatsService` reads through `Database.read_slow`; the web must never write nor hold the bot's
connections, so it gets `ReadOnlyDatabase`: a fresh aiosqlite connection on `file:…?mode=ro`
per read (SQLite then refuses any write), closed after it.

This module does not import `bot.web.server` (which registers it): it finds the server's page
helpers on the application (bot/web/pages.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from bot.config import Settings
from bot.core.db import Database
from bot.core.i18n import Catalogs, Translator
from bot.stats.service import Counts, Month, MonthFigures, MonthPair, StatsService
from bot.web.pages import LANGUAGE_OF_PAGE, PAGES, Pages, community_or_404
from bot.web.service import Unavailable, read_only_uri
from bot.web.views import (
    breakdown,
    categories_used,
    community_path,
    month_name,
    plain_category,
    totals,
)

T = TypeVar("T")
GridNames = dict[int, str]
STATS = web.AppKey("mulin_web_stats", StatsService)
# The chart's colours: the month before is the paler shade (as in the bot's chart).
THIS_MONTH, MONTH_BEFORE = "#3b6fb6", "#a9c4e8"
WIDTH, LABEL_WIDTH, ROW, BAR = 640, 190, 26, 10


class ReadOnlyDatabase(Database):
    """Only `read_slow`, each time on a new read-only connection: what StatsService needs,
    without the bot's writable connections (the web runs beside the bot, on its database)."""

    def __init__(self, path: Path) -> None:  # no connection is held between reads
        self.path = path

    async def read_slow(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        try:
            # isolation_level None: the stats store begins its own read transaction
            conn = await aiosqlite.connect(read_only_uri(self.path), uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise Unavailable(str(exc)) from exc
        try:
            return await fn(conn)
        except sqlite3.OperationalError as exc:
            raise Unavailable(str(exc)) from exc
        finally:
            await conn.close()


def setup(
    app: web.Application,
    settings: Settings,
    catalogs: Catalogs,
    templates: jinja2.Environment,
) -> None:
    app[STATS] = StatsService(ReadOnlyDatabase(settings.db_path), settings.tz)

    def stats_label(lang: str, community: str) -> str:
        """The community page's link to this one: 📊 西安村 · 2026年12月."""
        t = catalogs.get(LANGUAGE_OF_PAGE.get(lang))
        return caption(t, community, app[STATS].this_month())

    templates.globals["stats_label"] = stats_label
    app.router.add_get("/c/{community}/stats", stats)


def caption(t: Translator, community: str, month: Month) -> str:
    return t._("📊 {community} · {month}").format(community=community, month=month_name(t, month))


def _month(t: Translator, raw: str | None, today: Month, pages: Pages) -> Month:
    if raw is None or raw == "":
        return today
    month = Month.parse(raw)
    if month is None:
        value = raw if len(raw) <= 20 else raw[:19] + "…"
        message = t._("“{value}” is not a month: write the year and the month, YYYY-MM.")
        raise pages.error(400, message.format(value=value))
    if month > today:
        raise pages.error(400, t._("{month} has not begun yet.").format(month=month_name(t, month)))
    return month


async def stats(request: web.Request) -> web.Response:
    pages, service = request.app[PAGES], request.app[STATS]
    t = pages.translator(request)
    place, grids = await community_or_404(request)
    month = _month(t, request.query.get("month"), service.this_month(), pages)
    pair = await service.compare(place.id, month)
    names: GridNames = dict(grids)
    return pages.render(
        request,
        "stats.html",
        title=caption(t, place.name, month),
        community_url=pages.link(request, community_path(place.id, place.name)),
        community=place.name,
        action=community_path(place.id, place.name) + "/stats",
        month=str(month),
        month_label=t.p_("web", "Month (YYYY-MM)"),
        lang_value=request.query.get("lang", ""),
        against=t._("In brackets: the change against {month}.").format(
            month=month_name(t, pair.previous.month)
        ),
        totals=totals(t, pair),
        sections=sections(t, pair, names),
        chart=chart(t, place.name, pair),
    )


# -- the figures, as the bot's /stats words them ----------------------------------------------


def _heading(heading: str) -> str:
    """A heading of the bot's, without its Telegram <b> (the page's <h2> is bold)."""
    return heading.replace("<b>", "").replace("</b>", "")


def sections(t: Translator, pair: MonthPair, grids: GridNames) -> list[dict[str, Any]]:
    """The bot's breakdown (bot/stats/views.py), with user-typed names left as plain text for
    the template to escape."""
    found = breakdown(t, pair, lambda gid: grids.get(gid, f"#{gid}"), name=str)
    if not found:
        return [
            {"title": None, "lines": [t._("No issues were raised or handled in these two months.")]}
        ]
    return [{"title": _heading(heading), "lines": lines} for heading, lines in found]


# -- the chart, inline SVG ----------------------------------------------------------------------


def _bars(figures: MonthFigures) -> tuple[float, ...]:
    c = figures.totals
    return (c.raised, c.resolved, c.escalated, c.rejected, figures.people)


def _panels(t: Translator, pair: MonthPair) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """(title, [(label, the month before, this month)]): the totals, then raised by category."""
    current, previous = pair.current, pair.previous
    names = (t._("raised"), t._("resolved"), t._("escalated"), t._("rejected"))
    overview = list(
        zip((*names, t._("people signed up")), _bars(previous), _bars(current), strict=True)
    )
    empty = Counts()
    raised = [
        (
            plain_category(t, k),
            float(previous.by_category.get(k, empty).raised),
            float(current.by_category.get(k, empty).raised),
        )
        for k in categories_used(current, previous)
    ]
    before = t._("Compared with {month}").format(month=month_name(t, previous.month))
    panels = [(before, overview)]
    if raised:
        panels.append((f"{t._('By category')} · {t._('raised')}", raised))
    return panels


def chart(t: Translator, community: str, pair: MonthPair) -> Markup:
    """Grouped horizontal bars (the month before, pale; this month, dark), with a legend;
    every text escaped here, since the SVG is handed to the template as markup."""
    title = t._("{community} · {month}: issues and sign-ups").format(
        community=community, month=month_name(t, pair.current.month)
    )
    panels = _panels(t, pair)
    legend = (
        (month_name(t, pair.previous.month), MONTH_BEFORE),
        (month_name(t, pair.current.month), THIS_MONTH),
    )
    desc = "; ".join(
        f"{label}: {before:g} → {now:g}" for _, rows in panels for label, before, now in rows
    )
    parts: list[str] = []
    y = 24
    for i, (name, color) in enumerate(legend):
        x = LABEL_WIDTH + i * 180
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}">{escape(name)}</text>')
    y += 14
    for name, rows in panels:
        y += 26
        parts.append(f'<text x="4" y="{y}" font-weight="bold">{escape(name)}</text>')
        y += 8
        parts += _rows(rows, y)
        y += ROW * len(rows)
    height = y + 8
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" style="max-width:{WIDTH}px" aria-labelledby="chart-title chart-desc"'
        f' font-size="13" font-family="system-ui, sans-serif" fill="#1a1a1a">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}'
        f"</desc>{''.join(parts)}</svg>"
    )


def _rows(rows: Sequence[tuple[str, float, float]], top: int) -> list[str]:
    largest = max([1.0, *(max(b, n) for _, b, n in rows)])
    scale = (WIDTH - LABEL_WIDTH - 50) / largest
    parts: list[str] = []
    for i, (label, before, now) in enumerate(rows):
        y = top + i * ROW
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f'<text x="4" y="{y + 14}">{escape(short)}</text>')
        for j, (value, color) in enumerate(((before, MONTH_BEFORE), (now, THIS_MONTH))):
            bar_y, width = y + 2 + j * (BAR + 1), value * scale
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{width:.1f}" height="{BAR}"'
                f' fill="{color}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{bar_y + BAR - 1}"'
                f' font-size="10">{value:g}</text>'
            )
    return parts
