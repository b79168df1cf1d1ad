"""Applying a change and answering it, the buttons on a card, the prompts they open ("reply with
the solution"), and the reporter's answer to "Fixed?". Who may do what in which state is the
state machine's and the permission table's to say (through the service); this module asks,
calls and answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.events import after_prompt
from bot.core.i18n import Translator
from bot.core.render import truncate
from bot.core.replies import is_private, reply, usage
from bot.issues import views
from bot.issues.handlers import TEXT_LIMIT, text_too_long
from bot.issues.service import (
    AlreadyAnswered,
    BadOriginal,
    Change,
    Command,
    FixRated,
    IssueChanged,
    IssueMissing,
    NotAsked,
    NotPermitted,
    Permitted,
    WrongState,
)
from bot.issues.views import answers

# An example of each command, shown when it is written wrongly.
# Buttons of questions sent before "partly" existed: fix:yes / fix:no.
LEGACY_ANSWERS = {"yes": "fixed", "no": "not_fixed"}

EXAMPLES: dict[Command, str] = {
    Command.ESCALATE: "/escalate 12 需要社区协调",
    Command.CLOSE: "/close 12 已更换灯泡",
    Command.REOPEN: "/reopen 12 还是不亮",
    Command.REJECT: "/reject 12 不属于小区公共区域",
    Command.DUP: "/dup 12 8",
    Command.PRIORITY: "/priority 12 major",
    Command.NOTE: "/note 12 已联系供电所，明天维修",
}


@dataclass(frozen=True)
class ChangeRefusal:
    """Why a change was not made, for a reply or a popup."""

    text: str
    permission: bool  # the actor may not (as opposed to: not now, or no such issue)


Refusal = IssueMissing | WrongState | NotPermitted | BadOriginal


def refusal(t: Translator, command: Command, result: Refusal) -> ChangeRefusal:
    return ChangeRefusal(*answers.refused(t, command, result))


async def answer_change(
    update: Update, context: CustomContext, command: Command, result: Change
) -> ChangeRefusal | None:
    """Why not, or None when it was done. In the issue's own group the group post (a reply to
    the card) is the answer; anywhere else the actor gets a confirmation where they asked."""
    match result:
        case IssueChanged():
            await confirm(update, context, result)
            return None
        case _:
            return refusal(context.t, command, result)


async def confirm(update: Update, context: CustomContext, changed: IssueChanged) -> None:
    """In the issue's own group the post under its card is the answer; anywhere else (or a
    button pressed in private) the change is confirmed where it was made."""
    chat_id, _ = ids(update)
    private = is_private(update)
    if changed.issue.chat_id != chat_id or (update.callback_query is not None and private):
        names = context.issues.name
        await reply(update, views.event_text(context.t, changed.event, names, public=not private))


async def change(
    update: Update,
    context: CustomContext,
    command: Command,
    issue_id: int,
    *,
    note: str | None = None,
    priority: str | None = None,
    dup_of: int | None = None,
    photo: str | None = None,
) -> ChangeRefusal | None:
    """Apply a command; returns why not (for a reply or a popup), or None when it was done."""
    result = await context.issues.apply(
        context.origin, issue_id, command, note=note, priority=priority, dup_of=dup_of, photo=photo
    )
    return await answer_change(update, context, command, result)


async def on_card_button(update: Update, context: CustomContext) -> None:
    """iss:<command>:<N> — escalate and reopen at once; resolve and reject ask for the text."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    name = data.text(0) if data else None
    issue_id = data.number(1) if data else None
    which = {c.value: c for c in views.CARD_COMMANDS}.get(name or "")
    if which is None or issue_id is None:
        await query.answer(context.ut._("This button is no longer valid."))
        return
    if which in (Command.CLOSE, Command.REJECT):
        match await context.issues.check(context.origin, issue_id, which):
            case Permitted():
                await query.answer()
                await ask_for_text(update, context, which, issue_id)
            case checked:
                text = refusal(context.ut, which, checked).text
                await query.answer(truncate(text, 200), show_alert=True)
        return
    refused = await change(update, context, which, issue_id)
    if refused is None:
        await query.answer(context.ut._("Done."))
    else:
        await query.answer(truncate(refused.text, 200), show_alert=True)


async def ask_for_text(
    update: Update,
    context: CustomContext,
    which: Command,
    issue_id: int,
    *,
    kind: str | None = None,
) -> None:
    """Ask in this chat for the solution (close) or the reason (reject), as a reply; `kind`
    names the prompt for bot.core.events' after-prompt hooks (default: the command's name)."""
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    text, markup = answers.ask_for_text(context.t, which, issue_id, user.id, user.first_name)
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    await context.issues.ask(context.origin, sent.message_id, kind or which.value, issue_id)


def too_long(context: CustomContext, text: str, command: Command) -> str:
    t = context.t
    return usage(t, text_too_long(t, text) or "", EXAMPLES[command])


async def on_prompt_reply(update: Update, context: CustomContext) -> None:
    """A reply to one of our prompts: the solution or the reason it asked for."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    prompt_id = message.reply_to_message.message_id
    asked = await context.issues.prompt(context.origin, prompt_id)
    if asked is None:
        return  # a reply to some other message of ours: conversation, not a command
    which = Command(asked.kind.removeprefix("minutes_"))
    text = (message.text or "").strip()
    if not text or len(text) > TEXT_LIMIT:
        await reply(update, too_long(context, text, which))
        return
    result = await context.issues.answer(context.origin, prompt_id, asked, text)
    refused = await answer_change(update, context, which, result)
    if refused is not None:
        await reply(update, refused.text)
    elif (after := after_prompt(context.application, asked.kind)) is not None:
        await after(update, context, asked.issue_id)


async def on_fixed_button(update: Update, context: CustomContext) -> None:
    """fix:fixed|partly|not_fixed:<N> — an answer to "Fixed?" by the reporter or a follower:
    counted (and changeable: the chosen button is marked), the reporter's 👎 reopens it."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    ut = context.ut
    answer = LEGACY_ANSWERS.get(data.text(0) or "", data.text(0)) if data else None
    issue_id = data.number(1) if data else None
    if answer not in views.FIXED_ANSWERS or issue_id is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    match await context.issues.answer_fixed(context.origin, issue_id, answer):
        case FixRated(issue=issue, before=before):
            thanks = {
                "fixed": ut._("Thank you! Glad it is fixed."),
                "partly": ut._("Thank you: noted as partly fixed."),
                "not_fixed": ut._("Thank you: noted as not fixed."),
            }
            await query.answer(thanks[answer])
            if before != answer:
                reporter = issue.reporter_id == context.origin.user_id
                _, markup = views.fixed_question(ut, issue, reporter=reporter, chosen=answer)
                await query.edit_message_reply_markup(markup)
        case IssueChanged():
            text = ut._("Reopened #{id}; they will look again.").format(id=issue_id)
            await query.answer(text, show_alert=True)
            await query.edit_message_reply_markup(None)
        case AlreadyAnswered():
            await query.answer(ut._("This question is closed: the issue has changed since."))
        case NotAsked():
            await query.answer(ut._("Only its reporter and those who follow it answer this."))
