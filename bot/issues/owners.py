"""Who answers for an issue and by when (SPEC "Follow-through"): `/body` lists a community's
responsible bodies, `/body add|remove <name>` keeps the list (community officials), `/assign N
<body> [@user]` names the owner, `/promise N <YYYY-MM-DD> [note]` the date. This module parses,
calls the service and answers; the service decides who may."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot.context import CustomContext
from bot.core import scope
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.render import esc, truncate
from bot.core.replies import (
    command_text,
    denied,
    parse_number,
    reply,
    split_args,
    usage,
)
from bot.core.roles import Action
from bot.issues import views
from bot.issues.buttons import confirm
from bot.issues.handlers import text_too_long
from bot.issues.service import (
    BadDate,
    BodyAdded,
    BodyRefused,
    BodyRemoved,
    IssueChanged,
    IssueClosed,
    IssueMissing,
    NotPermitted,
    Owning,
    UnknownBody,
)

__all__ = ["COMMANDS", "register"]

BODY_ADD = "/body add 综合执法队"
ASSIGN = "/assign 12 综合执法队 @lin_grid"
PROMISE = "/promise 12 2026-12-31 已联系施工队"


def _names(t: Translator, keys: tuple[str, ...]) -> str:
    return t._(", ").join(esc(views.body_name(t, k)) for k in keys)


async def body(update: Update, context: CustomContext) -> None:
    """/body: the list; /body add <name> and /body remove <name>: community officials."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = split_args(command_text(message))
    verb = words[0].lower() if words else ""
    if verb in ("add", "remove", "添加", "删除"):
        await _edit(update, context, verb in ("add", "添加"), words[1:])
        return
    found = await scope.require(
        update,
        context,
        words,
        action=None,
        how="/body 西安村",
        nobody="",
        refusal="",
    )
    if found is None:
        return
    listed = await context.issues.bodies(found.community.id)
    text = t._("🏢 Responsible bodies of {community}: {names}").format(
        community=esc(found.community.name), names=_names(t, listed.names)
    )
    await reply(
        update, text + "\n" + t._("Community officials add one with /body add and its name.")
    )


async def _edit(update: Update, context: CustomContext, adding: bool, words: list[str]) -> None:
    t = context.t
    how = BODY_ADD if adding else "/body remove 综合执法队"
    found = await scope.require(
        update,
        context,
        words,
        action=Action.EDIT_BODIES,
        how=how + " 西安村",
        nobody=t._("Only community officials change the list of responsible bodies."),
        refusal=t._("Only community officials of {community} change its responsible bodies."),
    )
    if found is None:
        return
    name = " ".join(found.words)
    if not name:
        await reply(update, usage(t, t._("Write the body's name."), how))
        return
    service, community = context.issues, found.community
    if adding:
        result = await service.add_body(context.origin, community.id, name)
    else:
        result = await service.remove_body(context.origin, community.id, name)
    match result:
        case BodyAdded(name=added):
            text = t._("✅ {body} is now a responsible body of {community}.")
            await reply(update, text.format(body=esc(added), community=esc(community.name)))
        case BodyRemoved(name=removed):
            text = t._("✅ {body} is no longer a responsible body of {community}.")
            await reply(update, text.format(body=esc(removed), community=esc(community.name)))
        case BodyRefused():
            await reply(update, usage(t, body_refusal(t, result, community.name), how))


def body_refusal(t: Translator, refused: BodyRefused, community: str) -> str:
    name = esc(truncate(refused.name, 30))
    reasons = {
        "empty": t._("Write the body's name."),
        "too_long": t._("A body's name is at most 20 characters."),
        "builtin": t._("{property} and {community} are always on the list.").format(
            property=views.body_name(t, "property"), community=views.body_name(t, "community")
        ),
        "exists": t._("{body} is on the list already."),
        "too_many": t._("A community has at most {n} bodies of its own."),
        "missing": t._("{body} is not on {community}'s list."),
        "in_use": t._("{body} answers for {n} open issues: assign them elsewhere first."),
    }
    return reasons[refused.why].format(body=name, n=refused.count, community=esc(community))


async def assign(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = split_args(command_text(message))
    number = parse_number(words[0]) if words else None
    if number is None or len(words) < 2:
        await reply(update, usage(t, t._("Give the issue's number and the body."), ASSIGN))
        return
    rest, person = words[1:], None
    if rest[-1].startswith("@"):
        person = context.registry.user_by_username(rest[-1])
        if person is None:
            problem = t._(
                "I don't know {username} yet: they must first write in a group with me "
                "or start a private chat with me."
            ).format(username=esc(rest[-1][:40]))
            await reply(update, usage(t, problem, ASSIGN))
            return
        rest = rest[:-1]
    if not rest:
        await reply(update, usage(t, t._("Give the issue's number and the body."), ASSIGN))
        return
    assignee = person.id if person is not None else None
    result = await context.issues.assign(context.origin, number, " ".join(rest), assignee)
    await answer(update, context, number, result, Action.ASSIGN)


async def promise(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = command_text(message).split(maxsplit=2)
    number = parse_number(words[0]) if words else None
    if number is None or len(words) < 2:
        problem = t._("Give the issue's number and the date it will be done by.")
        await reply(update, usage(t, problem, PROMISE))
        return
    note = words[2].strip() if len(words) > 2 else None
    too_long = text_too_long(t, note) if note is not None else None
    if too_long is not None:
        await reply(update, usage(t, too_long, PROMISE))
        return
    result = await context.issues.promise(context.origin, number, words[1], note)
    await answer(update, context, number, result, Action.PROMISE)


async def answer(
    update: Update, context: CustomContext, number: int, result: Owning, action: Action
) -> None:
    """In the issue's own group the post under its card is the answer; elsewhere a confirmation."""
    t = context.t
    match result:
        case IssueChanged():
            await confirm(update, context, result)
            return
        case IssueMissing():
            text = t._("There is no issue #{id}.").format(id=number)
        case NotPermitted():
            text = denied(t, not_permitted(t, number, action))
        case IssueClosed():
            text = t._("#{id} is closed; it needs no owner or date any more.").format(id=number)
        case UnknownBody(name=name, known=known):
            problem = t._("“{body}” is not one of the responsible bodies: {names}.").format(
                body=esc(truncate(name, 30)), names=_names(t, known)
            )
            text = usage(t, problem + " " + t._("Officials add one with /body add."), ASSIGN)
        case BadDate(why=why):
            text = usage(t, date_problem(t, why), PROMISE)
    await reply(update, text)


def not_permitted(t: Translator, number: int, action: Action) -> str:
    if action is Action.ASSIGN:
        return t._("Only grid workers, property staff and community officials assign issues.")
    return t._(
        "Only grid workers, property staff, community officials and the person #{id} is "
        "assigned to promise its date."
    ).format(id=number)


def date_problem(t: Translator, why: str) -> str:
    problems = {
        "malformed": t._("Write the date as YYYY-MM-DD, for example 2026-12-31."),
        "past": t._("That day has passed: promise today or a later day."),
        "too_far": t._("That is more than three years away."),
    }
    return problems[why]


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "body",
        N_("/body [add|remove <name>]"),
        N_("the community's responsible bodies"),
        body,
        menu=False,
    ),
    CommandSpec(
        "assign",
        N_("/assign <N> <body> [@user]"),
        N_("who answers for an issue"),
        assign,
        action=Action.ASSIGN,
        menu=False,
    ),
    CommandSpec(
        "promise",
        N_("/promise <N> <YYYY-MM-DD> [note]"),
        N_("the date an issue will be done by"),
        promise,
        action=Action.PROMISE,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
