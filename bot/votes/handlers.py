"""Votes (大事大议): /vote, /votes, /closevote and the option buttons — and the feature's commands
registered in one place.

Which community a vote without #N is for, and whether the caller may open it there, is the
scope resolver's (bot/core/scope.py); with #N, the issue's community decides, in the service.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import CustomContext
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_
from bot.core.render import esc, truncate
from bot.core.replies import command_text, denied, is_private, reply, split_args, usage
from bot.core.roles import Action
from bot.core.scope import require
from bot.votes import views
from bot.votes.rules import LineProblem, issue_prefix, parse_line, split_line, vote_number
from bot.votes.service import (
    BadChoice,
    IssueMissing,
    NoGroups,
    NotOfficial,
    NotVoter,
    VoteClosedNow,
    Voted,
    VoteIsClosed,
    VoteMissing,
    VoteOpened,
)

__all__ = ["COMMANDS", "register"]


async def _community(
    update: Update, context: CustomContext, parts: list[str]
) -> tuple[int, list[str]] | None:
    """The community of a vote without #N (in private, its name may be the first part), and
    the parts left; None after telling the caller why not."""
    t, private = context.t, is_private(update)
    found = await require(
        update,
        context,
        parts[:1] if private else [],
        action=Action.VOTE,
        how=views.EXAMPLE_NAMED,
        nobody=t._("Only community officials open votes."),
        refusal=views.only_officials(t),
    )
    if found is None:
        return None
    return found.community.id, parts[1:] if private and not found.words else parts


async def open_vote(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    parts = split_line(command_text(message))
    issue_id, _ = issue_prefix(parts[0])
    community_id = None
    if issue_id is None:
        found = await _community(update, context, parts)
        if found is None:
            return
        community_id, parts = found
    line = parse_line(parts)
    if isinstance(line, LineProblem):
        how = views.EXAMPLE if issue_id is None else views.EXAMPLE_ISSUE
        await reply(update, usage(t, views.line_problem(t, line), how))
        return
    match await context.votes.open(context.origin, line, community_id):
        case VoteOpened(vote, groups):
            await reply(update, views.opened(t, vote, groups))
        case NotOfficial(community):
            await reply(update, denied(t, views.only_officials(t).format(community=esc(community))))
        case IssueMissing(number):
            await reply(update, t._("There is no issue #{id}.").format(id=number))
        case NoGroups():
            await reply(update, views.no_groups(t))


async def list_votes(update: Update, context: CustomContext) -> None:
    """The community's open votes, each with its buttons (in a group: its community's)."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    found = await require(
        update,
        context,
        split_args(command_text(message)),
        action=None,
        how="/votes 西安村",
        nobody=t._("No grid group is registered yet."),
        refusal="",
    )
    if found is None:
        return
    votes = await context.votes.open_votes(found.community.id)
    if not votes:
        await reply(update, views.none_open(t, found.community.name))
    for vote in votes:
        await reply(update, views.card(t, vote), views.buttons(t, vote))


async def close_vote(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = split_args(command_text(message))
    number = vote_number(words[0]) if words else None
    if number is None:
        await reply(update, usage(t, t._("Which vote? Give its number."), views.CLOSE_EXAMPLE))
        return
    match await context.votes.close(context.origin, number):
        case VoteClosedNow(vote, groups):
            await reply(update, views.closed_now(t, vote, groups))
        case VoteMissing():
            await reply(update, views.missing(t, number))
        case VoteIsClosed():
            await reply(update, views.already_closed(t, number))
        case NotOfficial(community):
            await reply(update, denied(t, views.only_officials(t).format(community=esc(community))))


async def on_button(update: Update, context: CustomContext) -> None:
    """vote:<vote>:<option>: one ballot per person, answered in the popup."""
    query = update.callback_query
    assert query is not None
    ut = context.ut
    data = keyboards.decode(query.data)
    vote_id = data.number(0) if data else None
    choice = data.number(1) if data else None
    if vote_id is None or choice is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    origin = context.origin
    result = await context.votes.cast(origin, vote_id, choice)
    if isinstance(result, NotVoter):  # a press outside the vote's groups: is the presser in one?
        memberships = context.registry.memberships
        if await memberships.member_chats(context.bot, origin.user_id, result.chats):
            result = await context.votes.cast(origin, vote_id, choice, member=True)
    match result:
        case Voted(vote, chosen, event):
            text, alert = views.voted(ut, vote, chosen, event), False
        case VoteMissing():
            text, alert = views.missing(ut, vote_id), True
        case VoteIsClosed():
            text, alert = views.closed(ut, vote_id), True
        case NotVoter():
            text, alert = views.not_voter(ut), True
        case BadChoice():
            text, alert = ut._("This button is no longer valid."), True
    await query.answer(truncate(text, 200), show_alert=alert)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("votes", N_("/votes"), N_("open votes, with their buttons"), list_votes),
    CommandSpec(
        "vote",
        N_("/vote [#N] <question> | <option> | <option> [| days]"),
        N_("open a vote in the community's groups (with #N: the issue's grid)"),
        open_vote,
        action=Action.VOTE,
        menu=False,
    ),
    CommandSpec(
        "closevote",
        N_("/closevote <P>"),
        N_("close a vote early and post its result"),
        close_vote,
        action=Action.VOTE,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(CallbackQueryHandler(on_button, pattern=keyboards.pattern(views.VOTE)))
