"""Changing issues by command: /escalate /close /reopen /reject /dup /priority /note, /category
and /setsla. This module parses, calls the service and answers; the card's buttons and the
prompts they open are in buttons.py.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import CustomContext
from bot.core import callbacks as keyboards
from bot.core import scope
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.render import esc, truncate
from bot.core.replies import command_text, denied, parse_number, reply, split_args, usage
from bot.core.roles import Action
from bot.issues import views
from bot.issues.buttons import (
    EXAMPLES,
    change,
    on_card_button,
    on_fixed_button,
    on_prompt_reply,
)
from bot.issues.handlers import text_too_long
from bot.issues.service import (
    CATEGORY_KEYS,
    FOLLOW_RANGE,
    Command,
    IssueClosed,
    IssueMissing,
    NotPermitted,
    Priority,
    Recategorized,
    SlaInvalid,
    SlaSet,
)

__all__ = ["COMMANDS", "register"]

# The commands whose words after the number are required (a solution, a reason, a note…).
TEXT_REQUIRED = frozenset(
    {Command.CLOSE, Command.REJECT, Command.DUP, Command.PRIORITY, Command.NOTE}
)
PRIORITY_WORDS = {
    "minor": Priority.MINOR,
    "小事": Priority.MINOR,
    "small": Priority.MINOR,
    "major": Priority.MAJOR,
    "大事": Priority.MAJOR,
    "big": Priority.MAJOR,
    "urgent": Priority.URGENT,
    "急事": Priority.URGENT,
}


@dataclass(frozen=True)
class Parsed:
    """A command as written: the issue, and what the command carries."""

    issue_id: int
    note: str | None = None
    priority: str | None = None
    dup_of: int | None = None


def parse_priority(word: str) -> str | None:
    found = PRIORITY_WORDS.get(word.strip().lower())
    return found.value if found else None


def not_a_number(t: Translator, word: str) -> str:
    return t._("“{value}” is not an issue number.").format(value=esc(word[:20]))


def missing_text(t: Translator, which: Command) -> str:
    problems = {
        Command.CLOSE: t._("Write the solution after the number: it is published."),
        Command.REJECT: t._("Write the reason after the number."),
        Command.DUP: t._("Write the number of the original issue after this one's."),
        Command.PRIORITY: t._("Write the priority: minor, major or urgent."),
        Command.NOTE: t._("Write the progress note after the number."),
    }
    return problems[which]


def parse(t: Translator, which: Command, text: str) -> Parsed | str:
    """The command's arguments, or what is wrong with them."""
    words = text.split(maxsplit=1)
    number = parse_number(words[0]) if words else None
    rest = words[1].strip() if len(words) > 1 else ""
    if number is None:
        return not_a_number(t, words[0]) if words else t._("Which issue? Give its number.")
    if which in TEXT_REQUIRED and not rest:
        return missing_text(t, which)
    too_long = text_too_long(t, rest)
    if too_long is not None:
        return too_long
    if which is Command.PRIORITY:
        priority = parse_priority(rest)
        if priority is None:
            return t._("“{value}” is not a priority: use minor, major or urgent.").format(
                value=esc(truncate(rest, 20))
            )
        return Parsed(number, priority=priority)
    if which is Command.DUP:
        parts = rest.split(maxsplit=1)
        dup_of = parse_number(parts[0])
        if dup_of is None:
            return not_a_number(t, parts[0])
        return Parsed(number, note=parts[1] if len(parts) > 1 else None, dup_of=dup_of)
    return Parsed(number, note=rest or None)


async def command(
    update: Update, context: CustomContext, which: Command, *, photo: str | None = None
) -> None:
    """The command as written; `photo`: a /note's or /close's (the caption's photo)."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    parsed = parse(t, which, command_text(message))
    if isinstance(parsed, str):
        await reply(update, usage(t, parsed, EXAMPLES[which]))
        return
    refused = await change(
        update,
        context,
        which,
        parsed.issue_id,
        note=parsed.note,
        priority=parsed.priority,
        dup_of=parsed.dup_of,
        photo=photo,
    )
    if refused is not None:
        await reply(update, denied(t, refused.text) if refused.permission else refused.text)


Handler = Callable[[Update, CustomContext], Coroutine[Any, Any, None]]


def handler_for(which: Command) -> Handler:
    async def handle(update: Update, context: CustomContext) -> None:
        await command(update, context, which)

    return handle


# -- /category ------------------------------------------------------------------------------


def parse_category(catalogs: list[Translator], word: str) -> str | None:
    """A category by its key (lighting) or its name in any language (路灯照明, Lighting)."""
    wanted = word.strip().lower()
    for key in CATEGORY_KEYS:
        names = {key} | {views.category_name(tr, key).split(" ", 1)[-1].lower() for tr in catalogs}
        if wanted in names:
            return key
    return None


def category_usage(t: Translator, problem: str) -> str:
    keys = ", ".join(f"<code>{k}</code> {views.category_name(t, k)}" for k in CATEGORY_KEYS)
    return (
        usage(t, problem, "/category 12 lighting")
        + "\n"
        + t._("Categories: {names}").format(names=keys)
    )


async def category(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = command_text(message).split(maxsplit=1)
    number = parse_number(words[0]) if words else None
    if number is None or len(words) < 2:
        await reply(update, category_usage(t, t._("Give the issue's number and the category.")))
        return
    key = parse_category(context.catalogs.all, words[1])
    if key is None:
        problem = t._("“{value}” is not a category.").format(value=esc(truncate(words[1], 20)))
        await reply(update, category_usage(t, problem))
        return
    match await context.issues.recategorize(context.origin, number, key):
        case IssueMissing():
            text = t._("There is no issue #{id}.").format(id=number)
        case NotPermitted():
            text = denied(
                t,
                t._("Only grid workers, property staff and community officials change categories."),
            )
        case IssueClosed():
            text = t._("#{id} is closed; its category stays.").format(id=number)
        case Recategorized():
            text = t._("✅ #{id} is now in {category}.").format(
                id=number, category=views.category_name(t, key)
            )
    await reply(update, text)


# -- /setsla ---------------------------------------------------------------------------------

SETSLA = "/setsla 7 14"


async def setsla(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    found = await scope.require(
        update,
        context,
        split_args(command_text(message)),
        action=Action.SET_SLA,
        how=SETSLA + " 西安村",
        nobody=t._("Only community officials change the follow-up days."),
        refusal=t._("Only community officials of {community} change its follow-up days."),
    )
    if found is None:
        return
    args = found.words
    if len(args) < 2 or not all(a.isdecimal() and len(a) < 4 for a in args[:2]):
        days = await context.issues.sla(found.community.id)
        problem = t._(
            "Now: a reminder after {remind} days without change, escalation after {escalate}. "
            "Give two numbers of days."
        ).format(remind=days.remind_days, escalate=days.escalate_days)
        await reply(update, usage(t, problem, SETSLA))
        return
    match await context.issues.set_sla(
        context.origin, found.community.id, int(args[0]), int(args[1])
    ):
        case SlaInvalid(problem=problem):
            text = (
                t._("Days are 1 to 90.")
                if problem == "range"
                else t._("Escalation must come after the reminder (more days).")
            )
            await reply(update, usage(t, text, SETSLA))
        case SlaSet(days=days):
            done = t._(
                "✅ {community}: property staff are reminded after {remind} days without change; "
                "the issue is escalated after {escalate} days."
            )
            await reply(
                update,
                done.format(
                    community=esc(found.community.name),
                    remind=days.remind_days,
                    escalate=days.escalate_days,
                ),
            )


# -- /setfollow ------------------------------------------------------------------------------

SETFOLLOW = "/setfollow 10"


async def setfollow(update: Update, context: CustomContext) -> None:
    """How many followers (the reporter not counted) make a minor issue major."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    found = await scope.require(
        update,
        context,
        split_args(command_text(message)),
        action=Action.SET_FOLLOW,
        how=SETFOLLOW + " 西安村",
        nobody=t._("Only community officials change how many followers make a major matter."),
        refusal=t._("Only community officials of {community} change it."),
    )
    if found is None:
        return
    low, high = FOLLOW_RANGE
    words = found.words
    number = int(words[0]) if words and words[0].isdecimal() and len(words[0]) < 6 else None
    if number is None or not low <= number <= high:
        now = await context.issues.follow_threshold(found.community.id)
        problem = t._(
            "Now: {n} neighbours following make an issue major. Give a number from {low} to {high}."
        ).format(n=now, low=low, high=high)
        await reply(update, usage(t, problem, SETFOLLOW))
        return
    await context.issues.set_follow_threshold(context.origin, found.community.id, number)
    done = t._(
        "✅ {community}: an issue {n} neighbours follow becomes a major matter, on the meeting's "
        "agenda."
    )
    await reply(update, done.format(community=esc(found.community.name), n=number))


def _spec(which: Command, how: str, what: str, action: Action) -> CommandSpec:
    return CommandSpec(which.value, how, what, handler_for(which), action=action, menu=False)


COMMANDS: tuple[CommandSpec, ...] = (
    _spec(
        Command.ESCALATE,
        N_("/escalate <N> [note]"),
        N_("move an issue to the community (物业说)"),
        Action.ESCALATE,
    ),
    _spec(
        Command.CLOSE,
        N_("/close <N> <solution>"),
        N_("resolve an issue with its solution"),
        Action.CLOSE,
    ),
    _spec(
        Command.REOPEN,
        N_("/reopen <N> [reason]"),
        N_("reopen a resolved issue (also its reporter)"),
        Action.REOPEN,
    ),
    _spec(Command.REJECT, N_("/reject <N> <reason>"), N_("reject an issue"), Action.REJECT),
    _spec(Command.DUP, N_("/dup <N> <M>"), N_("mark #N a duplicate of #M"), Action.DUP),
    _spec(
        Command.PRIORITY,
        N_("/priority <N> minor|major|urgent"),
        N_("set an issue's priority"),
        Action.PRIORITY,
    ),
    _spec(Command.NOTE, N_("/note <N> <text>"), N_("add a progress note"), Action.NOTE),
    CommandSpec(
        "category",
        N_("/category <N> <category>"),
        N_("correct an issue's category"),
        category,
        action=Action.CATEGORY,
        menu=False,
    ),
    CommandSpec(
        "setfollow",
        N_("/setfollow <n>"),
        N_("followers that make an issue major in your community"),
        setfollow,
        action=Action.SET_FOLLOW,
        menu=False,
    ),
    CommandSpec(
        "setsla",
        N_("/setsla <remind days> <escalate days>"),
        N_("follow-up days of your community"),
        setsla,
        action=Action.SET_SLA,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=rf"^{views.ISSUE}:"))
    app.add_handler(CallbackQueryHandler(on_fixed_button, pattern=keyboards.pattern(views.FIXED)))
    app.add_handler(
        MessageHandler(filters.REPLY & filters.TEXT & ~filters.COMMAND, on_prompt_reply)
    )
