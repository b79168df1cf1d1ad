"""/week: the weekly account (公开上榜) on demand — in a registered group its grid's last seven
days, in private a community's (all its grids together; named when there are several)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot.context import CustomContext
from bot.core import scope
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_
from bot.core.replies import command_text, reply, split_args
from bot.weekly import views

__all__ = ["COMMANDS", "register"]


async def week(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    found = await scope.require(
        update,
        context,
        split_args(command_text(message)),
        action=None,
        how="/week 西安村",
        nobody=t._("No grid group is registered yet."),
        refusal="",
    )
    if found is None:
        return
    if found.grid is not None:
        place, grid_ids = found.grid.name, [found.grid.id]
    else:
        place, grid_ids = found.community.name, context.registry.grid_ids(found.community.id)
    account = await context.weekly.account(grid_ids)
    people = context.people
    await reply(update, views.account(t, place, account, people.name, people.grid_name))


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "week",
        N_("/week"),
        N_("the weekly account: resolved, raised and still open in the last 7 days"),
        week,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
