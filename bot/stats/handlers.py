"""/stats [YYYY-MM] [community]: a month's figures for moderators, as text and as a chart.

In a registered group it is about the group's community; in private, about the community where
the caller holds a moderator role (superadmins: name it when there are several).
"""

from __future__ import annotations

import asyncio
import io

from telegram import InputFile, Update
from telegram.ext import Application

from bot.context import CustomContext, ids
from bot.core.commands import CommandSpec, register_commands
from bot.core.db import utcnow
from bot.core.i18n import N_
from bot.core.records import Community
from bot.core.render import esc, truncate
from bot.core.replies import command_text, denied, is_private, reply, split_args, usage
from bot.core.roles import MODERATORS, Action
from bot.stats import charts, views
from bot.stats.store import Month

HOW = "/stats 2026-03"
HOW_PRIVATE = "/stats 2026-03 西安村"


def _community(
    context: CustomContext, chat_id: int, user_id: int, private: bool, words: list[str]
) -> tuple[Community | None, list[str]]:
    """The community asked about, and the words left once its name was taken out."""
    storage = context.registry
    if not private:
        grid = storage.chat_grid(chat_id)
        here = storage.community(grid.community_id) if grid else None
        if here is None:
            return None, words
        return here, [w for w in words if w.casefold() != here.name.casefold()]
    named = [w for w in words if storage.community_by_name(w) is not None]
    if named:
        rest = [w for w in words if w != named[0]]
        return storage.community_by_name(named[0]), rest
    held = (
        storage.communities()
        if user_id in context.settings.admins
        else storage.communities_of(user_id, [r.value for r in MODERATORS])
    )
    return (held[0] if len(held) == 1 else None), words


def _moderates_somewhere(context: CustomContext, user_id: int) -> bool:
    return bool(context.registry.communities_of(user_id, [r.value for r in MODERATORS]))


def parse_month(words: list[str], today: Month) -> Month | None:
    """The month asked for (`today` without an argument), or None when the words are not one."""
    if not words:
        return today
    return Month.parse(words[0]) if len(words) == 1 else None


async def _no_community(update: Update, context: CustomContext, user_id: int) -> None:
    t = context.t
    if not is_private(update):
        await reply(update, t._("This group is not registered yet; register it first."))
    elif user_id in context.settings.admins or _moderates_somewhere(context, user_id):
        problem = t._("Send it in a grid group, or add the community's name.")
        await reply(update, usage(t, problem, HOW_PRIVATE))
    else:
        problem = t._("Statistics are for grid workers, property staff and community officials.")
        await reply(update, denied(t, problem))


async def stats(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    private = is_private(update)
    how = HOW_PRIVATE if private else HOW
    community, words = _community(
        context, chat_id, user_id, private, split_args(command_text(message))
    )
    if community is None:
        await _no_community(update, context, user_id)
        return
    if not context.actor(user_id, community.id).is_moderator:
        await reply(
            update,
            denied(
                t,
                t._(
                    "Only grid workers, property staff and community officials of {community} "
                    "see its statistics."
                ).format(community=esc(community.name)),
            ),
        )
        return
    tz = context.settings.tz
    today = Month.of(utcnow().astimezone(tz).date())
    month = parse_month(words, today)
    if month is None or month > today:
        problem = (
            t._("“{value}” is not a month: write the year and the month, YYYY-MM.").format(
                value=esc(truncate(" ".join(words), 20))
            )
            if month is None
            else t._("{month} has not begun yet.").format(month=views.month_name(t, month))
        )
        await reply(update, usage(t, problem, how))
        return
    current, previous = await context.stats.months(community.id, [month, month.previous], tz)
    grid_name = _grid_namer(context)
    await reply(update, views.text(t, community.name, current, previous, grid_name))
    chart = views.chart(t, community.name, current, previous, grid_name)
    png = await asyncio.to_thread(charts.render, chart)
    await message.reply_photo(
        InputFile(io.BytesIO(png), filename=f"stats-{month}.png"),
        caption=views.caption(t, community.name, month),
        do_quote=not private,
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
