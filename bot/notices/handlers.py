"""Public notices (公示): /notice posts one with an objection window, /notices lists the open
ones, /objections shows an official what came in. The objection itself is written privately in
the dialog the card's button opens (dialog.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot.context import CustomContext
from bot.core.commands import PRIVATE, CommandSpec, register_commands
from bot.core.i18n import N_
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, usage
from bot.core.roles import Action
from bot.core.scope import require
from bot.notices import rules, views
from bot.notices.service import (
    NoGroups,
    NoticeMissing,
    NoticeObjections,
    NoticePosted,
    NotOfficial,
)

NOTICE = "/notice 5 业主委员会筹备组成员名单公示：许惠莲、朱炳兴……"
NOTICE_NAMED = "/notice 西安村 5 业主委员会筹备组成员名单公示：……"
NOTICES_NAMED = "/notices 西安村"
OBJECTIONS = "/objections G1"


async def post_notice(update: Update, context: CustomContext) -> None:
    """`/notice <days> <text>`; in private the community may be named first."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    text = command_text(message)
    if not text:
        problem = t._("Write how many days objections are taken (1–30), then the notice.")
        await reply(update, usage(t, problem, NOTICE))
        return
    private, words = is_private(update), text.split(maxsplit=1)
    scope = await require(
        update,
        context,
        words[:1] if private else [],
        action=Action.NOTICE,
        how=NOTICE_NAMED,
        nobody=t._("Only community officials post public notices."),
        refusal=t._("Only community officials of {community} post public notices."),
    )
    if scope is None:
        return
    if private and not scope.words:  # the first word named the community
        text = words[1] if len(words) > 1 else ""
    parsed = await _days_and_text(update, context, text)
    if parsed is None:
        return
    days, body = parsed
    link = context.bot.link
    match await context.notices.post(context.origin, scope.community, days, body, link):
        case NoticePosted(notice, groups):
            await reply(update, views.posted(t, notice, groups))
        case NoGroups():
            problem = t._("{community} has no group I am in: add me to a grid group first.")
            await reply(update, denied(t, problem.format(community=esc(scope.community.name))))
        case NotOfficial():
            await reply(update, denied(t, t._("Only community officials post public notices.")))


async def _days_and_text(
    update: Update, context: CustomContext, text: str
) -> tuple[int, str] | None:
    """The window's days and the notice's text, or None after saying what is wrong."""
    t = context.t
    words = text.split(maxsplit=1)
    if not words:
        problem = t._("Write how many days objections are taken (1–30), then the notice.")
        await reply(update, usage(t, problem, NOTICE))
        return None
    days = rules.parse_days(words[0])
    if days is None:
        problem = t._("Objections are taken for 1 to 30 days; “{value}” is not a number of days.")
        await reply(update, usage(t, problem.format(value=esc(words[0][:20])), NOTICE))
        return None
    body = words[1].strip() if len(words) > 1 else ""
    if not body:
        await reply(update, usage(t, t._("Write the notice after the number of days."), NOTICE))
        return None
    if len(body) > rules.TEXT_LIMIT:
        problem = t._("That is {n} characters; a notice is at most {limit}.").format(
            n=t.number(len(body)), limit=t.number(rules.TEXT_LIMIT)
        )
        await reply(update, usage(t, problem, NOTICE))
        return None
    return days, body


async def list_notices(update: Update, context: CustomContext) -> None:
    """The open notices of the group's community (in private: the one named, or the only one),
    each with its Object button."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = command_text(message).split()
    scope = await require(
        update,
        context,
        words,
        action=None,
        how=NOTICES_NAMED,
        nobody=t._("No community is registered yet."),
        refusal="",
    )
    if scope is None:
        return
    found = await context.notices.open_notices(scope.community.id)
    text = views.open_list(t, scope.community.name, found)
    await reply(update, text, views.open_buttons(t, context.bot.link, found))


async def list_objections(update: Update, context: CustomContext) -> None:
    """An official reads a notice's objections with their authors' names: in private only."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    if not is_private(update):
        await reply(update, usage(t, t._("This works in private chat with me."), OBJECTIONS))
        return
    words = command_text(message).split()
    number = rules.parse_number(words[0]) if words else None
    if number is None:
        await reply(update, usage(t, t._("Which notice? Give its number."), OBJECTIONS))
        return
    match await context.notices.objections(context.origin, number):
        case NoticeObjections(notice, found):
            await reply(update, views.objections_list(t, notice, found, context.people.name))
        case NoticeMissing():
            await reply(update, views.missing(t, number))
        case NotOfficial():
            refusal = t._("Only the community's officials read the objections to its notices.")
            await reply(update, denied(t, refusal))


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "notices",
        N_("/notices"),
        N_("public notices open for objections, with the Object button"),
        list_notices,
    ),
    CommandSpec(
        "notice",
        N_("/notice <days> <text>"),
        N_("post a public notice (公示) in every group, with days for objections"),
        post_notice,
        action=Action.NOTICE,
        menu=False,
    ),
    CommandSpec(
        "objections",
        N_("/objections <G>"),
        N_("the objections to a notice, with who sent them (private)"),
        list_objections,
        where=PRIVATE,
        action=Action.NOTICE,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
