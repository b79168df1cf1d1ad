"""Changing issues: /escalate /close /reopen /reject /dup /priority /note, the buttons on a card,
the reporter's "Fixed?" answer, and /setsla. Who may do what in which state is decided by
rules.issues alone; this module only parses, asks and answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import ForceReply, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.db import utcnow
from bot.core.i18n import N_, Translator
from bot.core.render import esc, truncate
from bot.core.replies import (
    command_text,
    denied,
    is_private,
    parse_number,
    reply,
    split_args,
    usage,
)
from bot.core.roles import MODERATORS, Action, Role
from bot.issues import views
from bot.issues.handlers import TEXT_LIMIT
from bot.issues.rules.categories import CATEGORY_KEYS
from bot.issues.rules.followup import validate_sla
from bot.issues.rules.states import Allowed, Command, Priority, Reason, State, decide
from bot.issues.store import (
    Applied,
    BadTarget,
    CannotFollow,
    Issue,
    IssueEvent,
    NotFound,
    Refusal,
)


@dataclass(frozen=True)
class Refused:
    text: str
    permission: bool  # the actor may not (as opposed to: not now, or no such issue)


@dataclass(frozen=True)
class Syntax:
    usage: str
    text_required: bool  # the words after N are required (a solution, a reason, a note)


SYNTAX: dict[Command, Syntax] = {
    Command.ESCALATE: Syntax("/escalate 12 需要社区协调", False),
    Command.CLOSE: Syntax("/close 12 已更换灯泡", True),
    Command.REOPEN: Syntax("/reopen 12 还是不亮", False),
    Command.REJECT: Syntax("/reject 12 不属于小区公共区域", True),
    Command.DUP: Syntax("/dup 12 8", True),
    Command.PRIORITY: Syntax("/priority 12 major", True),
    Command.NOTE: Syntax("/note 12 已联系供电所，明天维修", True),
}


def who_may(t: Translator, command: Command, issue: Issue) -> str:
    texts = {
        Command.ESCALATE: t._(
            "Only grid workers, property staff and community officials escalate issues."
        ),
        Command.CLOSE: t._("Only grid workers and community officials resolve an escalated issue.")
        if issue.state == State.ESCALATED
        else t._("Only grid workers, property staff and community officials resolve issues."),
        Command.REOPEN: t._(
            "Only the reporter, grid workers and community officials reopen an issue."
        ),
        Command.REJECT: t._("Only grid workers and community officials reject issues."),
        Command.DUP: t._("Only grid workers and community officials reject issues."),
        Command.PRIORITY: t._(
            "Only grid workers, property staff and community officials set priorities."
        ),
        Command.NOTE: t._(
            "Only grid workers, property staff and community officials add progress notes."
        ),
    }
    return texts[command]


def wrong_state(t: Translator, command: Command, issue: Issue) -> str:
    state = t._(views.STATE_NAMES[issue.state])
    hints = {
        Command.ESCALATE: t._("Only open issues can be escalated."),
        Command.CLOSE: t._("Only open or escalated issues can be resolved."),
        Command.REOPEN: t._("Only resolved issues can be reopened."),
        Command.REJECT: t._("Only open or escalated issues can be rejected."),
        Command.DUP: t._("Only open or escalated issues can be marked duplicates."),
        Command.PRIORITY: t._("Only open or escalated issues have a priority to change."),
        Command.NOTE: t._("Only open or escalated issues take progress notes."),
    }
    return t._("#{id} is {state}. {hint}").format(id=issue.id, state=state, hint=hints[command])


def bad_target(t: Translator, why: str, target: int | None) -> str:
    texts = {
        "missing": t._("There is no issue #{id}."),
        "self": t._("An issue cannot duplicate itself."),
        "closed": t._("#{id} is closed; mark duplicates of open or escalated issues only."),
        "community": t._("#{id} belongs to another community."),
    }
    return texts[why].format(id=target)


async def change(
    update: Update,
    context: CustomContext,
    command: Command,
    issue_id: int,
    *,
    note: str | None = None,
    priority: str | None = None,
    dup_of: int | None = None,
) -> Refused | None:
    """Apply a command; returns why not (for a reply or a popup), or None when it was done.

    In the issue's own group the group post (a reply to the card) is the answer; anywhere else
    the actor gets a confirmation where they asked.
    """
    chat_id, user_id = ids(update)
    t = context.t
    result = await context.issues.apply(
        issue_id,
        command,
        lambda issue: context.notifier.who(user_id, issue),
        actor_id=user_id,
        now=utcnow(),
        compose=context.notifier.issue_event,
        update_id=context.update_id,
        note=note,
        priority=priority,
        dup_of=dup_of,
    )
    if isinstance(result, NotFound):
        return Refused(t._("There is no issue #{id}.").format(id=issue_id), False)
    if isinstance(result, Refusal):
        if result.reason is Reason.WRONG_STATE:
            return Refused(wrong_state(t, command, result.issue), False)
        return Refused(who_may(t, command, result.issue), True)
    if isinstance(result, BadTarget):
        return Refused(bad_target(t, result.why, dup_of), False)
    assert isinstance(result, Applied)
    if result.issue.chat_id != chat_id or (
        update.callback_query is not None and is_private(update)
    ):
        await reply(
            update,
            views.event_text(
                t, _event(result), context.notifier.name, public=not is_private(update)
            ),
        )
    return None


def _event(result: Applied) -> IssueEvent:
    return IssueEvent(result.issue, result.entry, (), result.other)


async def command(update: Update, context: CustomContext, which: Command) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    syntax = SYNTAX[which]
    words = command_text(message).split(maxsplit=1)
    number = parse_number(words[0]) if words else None
    rest = words[1].strip() if len(words) > 1 else ""
    if number is None:
        problem = (
            t._("Which issue? Give its number.")
            if not words
            else t._("“{value}” is not an issue number.").format(value=esc(words[0][:20]))
        )
        await reply(update, usage(t, problem, syntax.usage))
        return
    if syntax.text_required and not rest:
        problems = {
            Command.CLOSE: t._("Write the solution after the number: it is published."),
            Command.REJECT: t._("Write the reason after the number."),
            Command.DUP: t._("Write the number of the original issue after this one's."),
            Command.PRIORITY: t._("Write the priority: minor, major or urgent."),
            Command.NOTE: t._("Write the progress note after the number."),
        }
        await reply(update, usage(t, problems[which], syntax.usage))
        return
    if len(rest) > TEXT_LIMIT:
        await reply(
            update,
            usage(
                t,
                t._("That text is {n} characters; at most {limit}.").format(
                    n=t.number(len(rest)), limit=t.number(TEXT_LIMIT)
                ),
                syntax.usage,
            ),
        )
        return
    priority = dup_of = None
    note: str | None = rest or None
    if which is Command.PRIORITY:
        priority = parse_priority(rest)
        if priority is None:
            await reply(
                update,
                usage(
                    t,
                    t._("“{value}” is not a priority: use minor, major or urgent.").format(
                        value=esc(truncate(rest, 20))
                    ),
                    syntax.usage,
                ),
            )
            return
        note = None
    if which is Command.DUP:
        parts = rest.split(maxsplit=1)
        dup_of = parse_number(parts[0])
        if dup_of is None:
            await reply(
                update,
                usage(
                    t,
                    t._("“{value}” is not an issue number.").format(value=esc(parts[0][:20])),
                    syntax.usage,
                ),
            )
            return
        note = parts[1] if len(parts) > 1 else None
    refusal = await change(
        update, context, which, number, note=note, priority=priority, dup_of=dup_of
    )
    if refusal is not None:
        await reply(update, denied(t, refusal.text) if refusal.permission else refusal.text)


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


def parse_priority(word: str) -> str | None:
    found = PRIORITY_WORDS.get(word.strip().lower())
    return found.value if found else None


def handler_for(which: Command):  # type: ignore[no-untyped-def]
    async def handle(update: Update, context: CustomContext) -> None:
        await command(update, context, which)

    return handle


# -- card buttons and the prompts they open --------------------------------------------------


async def on_card_button(update: Update, context: CustomContext) -> None:
    """iss:<command>:<N> — escalate and reopen at once; resolve and reject ask for the text."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    ut = context.ut
    name = data.text(0) if data else None
    issue_id = data.number(1) if data else None
    which = {c.value: c for c in views.CARD_COMMANDS}.get(name or "")
    if which is None or issue_id is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    _, user_id = ids(update)
    if which in (Command.CLOSE, Command.REJECT):
        issue = await context.issues.get(issue_id)
        if issue is None:
            await query.answer(
                ut._("There is no issue #{id}.").format(id=issue_id), show_alert=True
            )
            return
        decision = decide(State(issue.state), which, context.notifier.who(user_id, issue))
        if not isinstance(decision, Allowed):
            text = (
                wrong_state(ut, which, issue)
                if decision.reason is Reason.WRONG_STATE
                else who_may(ut, which, issue)
            )
            await query.answer(truncate(text, 200), show_alert=True)
            return
        await query.answer()
        await ask_for_text(update, context, which, issue_id)
        return
    refusal = await change(update, context, which, issue_id)
    if refusal is None:
        await query.answer(ut._("Done."))
    else:
        await query.answer(truncate(refusal.text, 200), show_alert=True)


AfterPrompt = Callable[[Update, CustomContext, str, int], Awaitable[None]]
# What else to do once a prompt of a given kind was answered and applied (e.g. the minutes
# move on to the next item); other capabilities register theirs here.
AFTER_PROMPT: dict[str, AfterPrompt] = {}


async def ask_for_text(
    update: Update,
    context: CustomContext,
    which: Command,
    issue_id: int,
    *,
    kind: str | None = None,
) -> None:
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    t = context.t
    mention = f'<a href="tg://user?id={user.id}">{esc(user.first_name)}</a>'
    text = (
        t._("{who}, reply to this message with the solution for #{id}; it will be published.")
        if which is Command.CLOSE
        else t._("{who}, reply to this message with the reason for rejecting #{id}.")
    ).format(who=mention, id=issue_id)
    placeholder = t._("Solution") if which is Command.CLOSE else t._("Reason")
    sent = await context.bot.send_message(
        update.effective_chat.id,
        text,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder[:64]),
    )
    await context.issues.add_prompt(
        update.effective_chat.id, sent.message_id, user.id, kind or which.value, issue_id, utcnow()
    )


async def on_prompt_reply(update: Update, context: CustomContext) -> None:
    """A reply to one of our prompts: the solution or the reason it asked for."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    chat_id, user_id = ids(update)
    prompt_id = message.reply_to_message.message_id
    asked = await context.issues.prompt(chat_id, prompt_id, user_id)
    if asked is None:
        return  # a reply to some other message of ours: conversation, not a command
    kind, issue_id = asked
    which = Command(kind.removeprefix("minutes_"))
    text = (message.text or "").strip()
    t = context.t
    if not text or len(text) > TEXT_LIMIT:
        await reply(
            update,
            usage(
                t,
                t._("That text is {n} characters; at most {limit}.").format(
                    n=t.number(len(text)), limit=t.number(TEXT_LIMIT)
                ),
                SYNTAX[which].usage,
            ),
        )
        return
    await context.issues.drop_prompt(chat_id, prompt_id)
    refusal = await change(update, context, which, issue_id, note=text)
    if refusal is not None:
        await reply(update, refusal.text)
    elif kind in AFTER_PROMPT:
        await AFTER_PROMPT[kind](update, context, kind, issue_id)


async def on_fixed_button(update: Update, context: CustomContext) -> None:
    """The reporter's answer to "Fixed?": yes settles it, no reopens it."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    ut = context.ut
    answer = data.text(0) if data else None
    issue_id = data.number(1) if data else None
    if answer not in ("yes", "no") or issue_id is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    _, user_id = ids(update)
    if answer == "yes":
        result = await context.issues.confirm_fixed(
            issue_id, user_id, now=utcnow(), update_id=context.update_id
        )
        if isinstance(result, Issue):
            await query.answer(ut._("Thank you! Glad it is fixed."))
            await query.edit_message_reply_markup(None)
        else:
            await query.answer(ut._("This question is already answered."))
        return
    applied = await context.issues.apply(
        issue_id,
        Command.NOT_FIXED,
        lambda issue: context.notifier.who(user_id, issue),
        actor_id=user_id,
        now=utcnow(),
        compose=context.notifier.issue_event,
        update_id=context.update_id,
    )
    if isinstance(applied, Applied):
        await query.answer(
            ut._("Reopened #{id}; they will look again.").format(id=issue_id), show_alert=True
        )
        await query.edit_message_reply_markup(None)
    else:
        await query.answer(ut._("This question is already answered."))


# -- /category ------------------------------------------------------------------------------


def parse_category(catalogs: list[Translator], word: str) -> str | None:
    """A category by its key (lighting) or its name in any language (路灯照明, Lighting)."""
    wanted = word.strip().lower()
    for key in CATEGORY_KEYS:
        names = {key} | {views.category_name(tr, key).split(" ", 1)[-1].lower() for tr in catalogs}
        if wanted in names:
            return key
    return None


async def category(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    how = "/category 12 lighting"
    words = command_text(message).split(maxsplit=1)
    number = parse_number(words[0]) if words else None
    keys = ", ".join(f"<code>{k}</code> {views.category_name(t, k)}" for k in CATEGORY_KEYS)
    if number is None or len(words) < 2:
        problem = t._("Give the issue's number and the category.")
        await reply(
            update, usage(t, problem, how) + "\n" + t._("Categories: {names}").format(names=keys)
        )
        return
    key = parse_category(context.catalogs.all, words[1])
    if key is None:
        await reply(
            update,
            usage(
                t,
                t._("“{value}” is not a category.").format(value=esc(truncate(words[1], 20))),
                how,
            )
            + "\n"
            + t._("Categories: {names}").format(names=keys),
        )
        return
    _, user_id = ids(update)
    result = await context.issues.recategorize(
        number,
        key,
        lambda issue: (
            context.notifier.who(user_id, issue).effective_roles & MODERATORS != frozenset()
        ),
        actor_id=user_id,
        now=utcnow(),
        compose=context.notifier.issue_event,
        update_id=context.update_id,
    )
    if isinstance(result, NotFound):
        await reply(update, t._("There is no issue #{id}.").format(id=number))
    elif isinstance(result, CannotFollow):
        await reply(
            update,
            denied(
                t,
                t._("Only grid workers, property staff and community officials change categories."),
            )
            if result.why == "denied"
            else t._("#{id} is closed; its category stays.").format(id=number),
        )
    else:
        await reply(
            update,
            t._("✅ #{id} is now in {category}.").format(
                id=number, category=views.category_name(t, key)
            ),
        )


# -- /setsla ---------------------------------------------------------------------------------


async def setsla(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    how = "/setsla 7 14"
    args = split_args(command_text(message))
    grid = context.registry.chat_grid(chat_id) if not is_private(update) else None
    community = context.registry.community(grid.community_id) if grid else None
    if community is None:
        held = context.registry.communities_of(user_id, [Role.COMMUNITY.value])
        if user_id in context.settings.admins:
            held = context.registry.communities()
        if len(args) == 3:
            community = context.registry.community_by_name(args[2])
        elif len(held) == 1:
            community = held[0]
    if community is None:
        await reply(
            update,
            usage(t, t._("Send it in a grid group, or add the community's name."), how + " 西安村"),
        )
        return
    if not context.actor(user_id, community.id).holds(Role.COMMUNITY):
        await reply(
            update,
            denied(
                t,
                t._("Only community officials of {community} change its follow-up days.").format(
                    community=esc(community.name)
                ),
            ),
        )
        return
    if len(args) < 2 or not all(a.isdecimal() and len(a) < 4 for a in args[:2]):
        remind, escalate = await context.issues.sla(community.id)
        await reply(
            update,
            usage(
                t,
                t._(
                    "Now: a reminder after {remind} days without change, escalation after {escalate}. "
                    "Give two numbers of days."
                ).format(remind=remind, escalate=escalate),
                how,
            ),
        )
        return
    remind, escalate = int(args[0]), int(args[1])
    problem = validate_sla(remind, escalate)
    if problem is not None:
        text = (
            t._("Days are 1 to 90.")
            if problem == "range"
            else t._("Escalation must come after the reminder (more days).")
        )
        await reply(update, usage(t, text, how))
        return
    await context.issues.set_sla(community.id, remind, escalate, update_id=context.update_id)
    await reply(
        update,
        t._(
            "✅ {community}: property staff are reminded after {remind} days without change; "
            "the issue is escalated after {escalate} days."
        ).format(community=esc(community.name), remind=remind, escalate=escalate),
    )


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "escalate",
        N_("/escalate <N> [note]"),
        N_("move an issue to the community (物业说)"),
        handler_for(Command.ESCALATE),
        action=Action.ESCALATE,
        menu=False,
    ),
    CommandSpec(
        "close",
        N_("/close <N> <solution>"),
        N_("resolve an issue with its solution"),
        handler_for(Command.CLOSE),
        action=Action.CLOSE,
        menu=False,
    ),
    CommandSpec(
        "reopen",
        N_("/reopen <N> [reason]"),
        N_("reopen a resolved issue (also its reporter)"),
        handler_for(Command.REOPEN),
        action=Action.REOPEN,
        menu=False,
    ),
    CommandSpec(
        "reject",
        N_("/reject <N> <reason>"),
        N_("reject an issue"),
        handler_for(Command.REJECT),
        action=Action.REJECT,
        menu=False,
    ),
    CommandSpec(
        "dup",
        N_("/dup <N> <M>"),
        N_("mark #N a duplicate of #M"),
        handler_for(Command.DUP),
        action=Action.DUP,
        menu=False,
    ),
    CommandSpec(
        "priority",
        N_("/priority <N> minor|major|urgent"),
        N_("set an issue's priority"),
        handler_for(Command.PRIORITY),
        action=Action.PRIORITY,
        menu=False,
    ),
    CommandSpec(
        "note",
        N_("/note <N> <text>"),
        N_("add a progress note"),
        handler_for(Command.NOTE),
        action=Action.NOTE,
        menu=False,
    ),
    CommandSpec(
        "category",
        N_("/category <N> <category>"),
        N_("correct an issue's category"),
        category,
        action=Action.CATEGORY,
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
