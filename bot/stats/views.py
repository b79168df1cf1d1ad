"""/stats as people read it: a month's figures against the month before, as text and as a chart.

Every figure is shown with its change, `12 (+3)` / `12（+3）`; names typed by people (the
community, grids) are escaped in the text. The chart gets the same labels, without the emoji
that a chart font cannot draw.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from bot.core.i18n import Translator
from bot.core.render import esc, truncate
from bot.issues.service import CATEGORY_KEYS, body_name, category_name
from bot.stats.charts import BarChart, Panel, Series
from bot.stats.service import Counts, Month, MonthFigures, MonthPair, Ratings

GridName = Callable[[int], str]

# Colours of the chart: the previous month is the paler shade of the same colour.
RAISED, RAISED_BEFORE = "#3b6fb6", "#a9c4e8"
RESOLVED, RESOLVED_BEFORE = "#3a9a52", "#a6dcb2"
LABEL_LIMIT = 16
CHART_GRIDS = 15  # the chart shows the busiest grids; the text lists every one


def month_name(t: Translator, month: Month) -> str:
    """2026年3月 / March 2026."""
    return str(format_skeleton("yMMMM", month.first_day, locale=t.babel))


def _one_decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _decimal(t: Translator, value: Decimal) -> str:
    return str(format_decimal(value, format="#,##0.0", locale=t.babel))


def change(t: Translator, now: float, before: float, *, decimal: bool = False) -> str:
    """+3, −2 or ±0 (with one decimal for days)."""
    if decimal:
        diff = _one_decimal(now) - _one_decimal(before)
        size = _decimal(t, abs(diff))
    else:
        diff = Decimal(round(now - before))
        size = t.number(abs(int(diff)))
    if diff == 0:
        return "±0"
    return f"+{size}" if diff > 0 else f"−{size}"


def figure(t: Translator, now: int, before: int) -> str:
    return t._("{value} ({change})").format(value=t.number(now), change=change(t, now, before))


def median_figure(t: Translator, now: float | None, before: float | None) -> str:
    if now is None:
        return t._("none resolved")
    value = t._("{days} days").format(days=_decimal(t, _one_decimal(now)))
    if before is None:
        return value
    return t._("{value} ({change})").format(
        value=value, change=change(t, now, before, decimal=True)
    )


def counts_line(t: Translator, name: str, now: Counts, before: Counts) -> str:
    """A category's or grid's line: raised / resolved / escalated / rejected, each with its
    change (the bot's /stats and the web's stats page say it the same way)."""
    return t._("{name}: {raised} / {resolved} / {escalated} / {rejected}").format(
        name=name,
        raised=figure(t, now.raised, before.raised),
        resolved=figure(t, now.resolved, before.resolved),
        escalated=figure(t, now.escalated, before.escalated),
        rejected=figure(t, now.rejected, before.rejected),
    )


def categories_used(current: MonthFigures, previous: MonthFigures) -> list[str]:
    """Categories with anything in either month, in the order of the catalogue."""
    used = {k for k, c in (*current.by_category.items(), *previous.by_category.items()) if c.any}
    known = [k for k in CATEGORY_KEYS if k in used]
    return known + sorted(used - set(known))


def _grids(current: MonthFigures, previous: MonthFigures, grid_name: GridName) -> list[int]:
    used = {g for g, c in (*current.by_grid.items(), *previous.by_grid.items()) if c.any}
    return sorted(used, key=lambda g: (grid_name(g), g))


def totals(t: Translator, pair: MonthPair) -> list[str]:
    """The month's seven figures, each with its change against the month before."""
    current, previous = pair.current, pair.previous
    now, before = current.totals, previous.totals
    return [
        t._("📥 Issues raised: {figure}").format(figure=figure(t, now.raised, before.raised)),
        t._("✅ Resolved: {figure}").format(figure=figure(t, now.resolved, before.resolved)),
        t._("⬆️ Escalated: {figure}").format(figure=figure(t, now.escalated, before.escalated)),
        t._("🚫 Rejected: {figure}").format(figure=figure(t, now.rejected, before.rejected)),
        t._("⏱ Median time to resolve: {figure}").format(
            figure=median_figure(t, current.median_days, previous.median_days)
        ),
        t._("🙋 Activity sign-ups: {figure}").format(
            figure=figure(t, current.signups, previous.signups)
        ),
        t._("👥 People signed up: {figure}").format(
            figure=figure(t, current.people, previous.people)
        ),
    ]


def breakdown(
    t: Translator, pair: MonthPair, grid_name: GridName, name: Callable[[str], str] = esc
) -> list[tuple[str, list[str]]]:
    """(heading, lines): by category and by grid (raised / resolved / escalated / rejected,
    each with its change), then the month's answers to "Fixed?" by grid and by body; none when
    neither month raised or handled anything. `name` makes a typed name safe where it is shown:
    escaped for Telegram's HTML by default, left to the template on the web."""
    current, previous = pair.current, pair.previous
    categories = categories_used(current, previous)
    grids = _grids(current, previous, grid_name)
    if not categories and not grids:
        return []
    empty = Counts()
    found = [
        (
            t._("<b>By category</b> · raised / resolved / escalated / rejected"),
            [
                counts_line(
                    t,
                    category_name(t, key),
                    current.by_category.get(key, empty),
                    previous.by_category.get(key, empty),
                )
                for key in categories
            ],
        ),
        (
            t._("<b>By grid</b> · raised / resolved / escalated / rejected"),
            [
                counts_line(
                    t,
                    name(grid_name(gid)),
                    current.by_grid.get(gid, empty),
                    previous.by_grid.get(gid, empty),
                )
                for gid in grids
            ],
        ),
    ]
    if current.ratings_by_grid:
        rated = [
            rated_line(t, name(grid_name(gid)), ratings)
            for gid, ratings in sorted(
                current.ratings_by_grid.items(), key=lambda x: grid_name(x[0])
            )
        ]
        rated += [
            rated_line(t, name(body_name(t, body)), ratings)
            for body, ratings in sorted(current.ratings_by_body.items())
        ]
        found.append((t._("<b>Fixed?</b> · the share of 👍 among the answers this month"), rated))
    return found


def text(t: Translator, community: str, pair: MonthPair, grid_name: GridName) -> str:
    current, previous = pair.current, pair.previous
    lines = [
        t._("📊 <b>Statistics · {community} · {month}</b>").format(
            community=esc(community), month=month_name(t, current.month)
        ),
        t._("In brackets: the change against {month}.").format(month=month_name(t, previous.month)),
        "",
        *totals(t, pair),
    ]
    sections = breakdown(t, pair, grid_name)
    if not sections:
        lines += ["", t._("No issues were raised or handled in these two months.")]
    for heading, body in sections:
        lines += ["", heading, *body]
    return "\n".join(lines)


def _percent(t: Translator, share: float) -> str:
    return format_percent(share, locale=t.babel)


def rated_line(t: Translator, name: str, rated: Ratings) -> str:
    return t._("{name}: {share} 👍 · {fixed}👍 {partly}🤏 {not_fixed}👎").format(
        name=name,
        share=_percent(t, rated.share),
        fixed=rated.fixed,
        partly=rated.partly,
        not_fixed=rated.not_fixed,
    )


def caption(t: Translator, community: str, month: Month) -> str:
    return t._("📊 {community} · {month}").format(
        community=esc(truncate(community, 100)), month=month_name(t, month)
    )


def plain_category(t: Translator, key: str) -> str:
    """The category's name without its emoji: chart fonts have no emoji."""
    return category_name(t, key).split(" ", 1)[-1]


def _raised_resolved(
    t: Translator,
    current: MonthFigures,
    previous: MonthFigures,
    now: list[Counts],
    before: list[Counts],
) -> tuple[Series, ...]:
    this, last = month_name(t, current.month), month_name(t, previous.month)
    raised, resolved = t._("raised"), t._("resolved")
    return (
        Series(f"{raised} · {last}", tuple(c.raised for c in before), RAISED_BEFORE),
        Series(f"{raised} · {this}", tuple(c.raised for c in now), RAISED),
        Series(f"{resolved} · {last}", tuple(c.resolved for c in before), RESOLVED_BEFORE),
        Series(f"{resolved} · {this}", tuple(c.resolved for c in now), RESOLVED),
    )


def _busy(current: MonthFigures, previous: MonthFigures, grid_id: int) -> int:
    empty = Counts()
    return sum(
        c.raised + c.resolved + c.escalated + c.rejected
        for c in (current.by_grid.get(grid_id, empty), previous.by_grid.get(grid_id, empty))
    )


def _overview(t: Translator, current: MonthFigures, previous: MonthFigures) -> Panel:
    """Totals of both months side by side."""
    now, before = current.totals, previous.totals
    return Panel(
        t._("Compared with {month}").format(month=month_name(t, previous.month)),
        (
            t._("raised"),
            t._("resolved"),
            t._("escalated"),
            t._("rejected"),
            t._("people signed up"),
        ),
        (
            Series(
                month_name(t, previous.month),
                (
                    before.raised,
                    before.resolved,
                    before.escalated,
                    before.rejected,
                    previous.people,
                ),
                "#b9b9b9",
            ),
            Series(
                month_name(t, current.month),
                (now.raised, now.resolved, now.escalated, now.rejected, current.people),
                RAISED,
            ),
        ),
    )


def _by_category(t: Translator, current: MonthFigures, previous: MonthFigures) -> Panel:
    empty = Counts()
    categories = categories_used(current, previous)
    return Panel(
        t._("By category"),
        tuple(plain_category(t, k) for k in categories),
        _raised_resolved(
            t,
            current,
            previous,
            [current.by_category.get(k, empty) for k in categories],
            [previous.by_category.get(k, empty) for k in categories],
        ),
        t._("No issues in these two months."),
    )


def _by_grid(
    t: Translator, current: MonthFigures, previous: MonthFigures, grid_name: GridName
) -> Panel:
    """The busiest grids when there are more than a chart can show."""
    empty = Counts()
    grids = _grids(current, previous, grid_name)
    if len(grids) > CHART_GRIDS:
        busiest = sorted(grids, key=lambda g: -_busy(current, previous, g))[:CHART_GRIDS]
        grids = [g for g in grids if g in busiest]
        title = t._("By grid: the {n} busiest").format(n=CHART_GRIDS)
    else:
        title = t._("By grid")
    return Panel(
        title,
        tuple(truncate(grid_name(g), LABEL_LIMIT) for g in grids),
        _raised_resolved(
            t,
            current,
            previous,
            [current.by_grid.get(g, empty) for g in grids],
            [previous.by_grid.get(g, empty) for g in grids],
        ),
        t._("No issues in these two months."),
    )


def _fixed_share(t: Translator, current: MonthFigures, grid_name: GridName) -> Panel:
    """The share of 👍 (in %) by grid, then by body: the month's answers to "Fixed?"."""
    grids = sorted(current.ratings_by_grid, key=grid_name)[:CHART_GRIDS]
    bodies = sorted(current.ratings_by_body)
    labels = tuple(truncate(grid_name(g), LABEL_LIMIT) for g in grids) + tuple(
        truncate(body_name(t, b), LABEL_LIMIT) for b in bodies
    )
    shares = tuple(round(current.ratings_by_grid[g].share * 100) for g in grids) + tuple(
        round(current.ratings_by_body[b].share * 100) for b in bodies
    )
    series = (Series(t._("answered “fixed”, %"), shares, RESOLVED),) if labels else ()
    return Panel(t._("Fixed? by grid and by body"), labels, series, t._("No answers this month."))


def chart(t: Translator, community: str, pair: MonthPair, grid_name: GridName) -> BarChart:
    """Totals of both months side by side, then raised and resolved by category and by grid."""
    current, previous = pair.current, pair.previous
    title = t._("{community} · {month}: issues and sign-ups").format(
        community=community, month=month_name(t, current.month)
    )
    return BarChart(
        title,
        (
            _overview(t, current, previous),
            _by_category(t, current, previous),
            _by_grid(t, current, previous, grid_name),
            _fixed_share(t, current, grid_name),
        ),
    )
