"""/stats [YYYY-MM] [community]: a month's figures for moderators, as text and as a chart.

In a registered group it is about the group's community; in private, about the community where
the caller holds a moderator role (superadmins: name it when there are several).
"""

from __future__ import annotations

import asyncio
import io

from telegram import InputFile, Message, Update
from telegram.ext import Application

from bot.context import CustomContext
from bot.core import scope
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.render import esc, truncate
from bot.core.replies import command_text, is_private, reply, split_args, usage
from bot.core.roles import Action
from bot.stats import charts, views
from bot.stats.service import Month, parse_month

HOW = "/stats 2026-03"
HOW_PRIVATE = "/stats 2026-03 西安村"


def month_problem(t: Translator, words: list[str], month: Month | None) -> str:
    if month is None:
        return t._("“{value}” is not a month: write the year and the month, YYYY-MM.").format(
            value=esc(truncate(" ".join(words), 20))
        )
    return t._("{month} has not begun yet.").format(month=views.month_name(t, month))


async def stats_scope(
    update: Update, context: CustomContext, words: list[str]
) -> scope.Scope | None:
    t = context.t
    return await scope.require(
        update,
        context,
        words,
        action=Action.STATS,
        how=HOW_PRIVATE,
        nobody=t._("Statistics are for grid workers, property staff and community officials."),
        refusal=t._(
            "Only grid workers, property staff and community officials of {community} "
            "see its statistics."
        ),
    )


async def stats(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    found = await stats_scope(update, context, split_args(command_text(message)))
    if found is None:
        return
    today = context.stats.this_month()
    month = parse_month(found.words, today)
    if month is None or month > today:
        how = HOW_PRIVATE if is_private(update) else HOW
        await reply(update, usage(t, month_problem(t, found.words, month), how))
        return
    community = found.community.name
    pair = await context.stats.compare(found.community.id, month)
    grid_name = _grid_namer(context)
    await reply(update, views.text(t, community, pair, grid_name))
    chart = views.chart(t, community, pair, grid_name)
    await send_chart(update, message, chart, views.caption(t, community, month), f"stats-{month}")


async def send_chart(
    update: Update, message: Message, chart: charts.BarChart, caption: str, filename: str
) -> None:
    """Drawn in a thread: a chart takes a good part of a second of CPU."""
    png = await asyncio.to_thread(charts.render, chart)
    await message.reply_photo(
        InputFile(io.BytesIO(png), filename=f"{filename}.png"),
        caption=caption,
        do_quote=not is_private(update),
    )


def _grid_namer(context: CustomContext) -> views.GridName:
    def name(grid_id: int) -> str:
        grid = context.registry.grid(grid_id)
        return grid.name if grid else f"#{grid_id}"

    return name


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "stats",
        N_("/stats [YYYY-MM]"),
        N_("a month's figures, with a chart"),
        stats,
        action=Action.STATS,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
