"""Raising and reading issues: /report and /urgent in groups, /issue, "me too", and the
near-duplicate suggestion's buttons; the boards and /my are in boards.py, changes of state in
moderation.py and buttons.py, the guided private report in report_dialog.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.menu_buttons import register_menu_button
from bot.core.render import esc
from bot.core.replies import command_text, is_private, parse_number, reply, usage
from bot.delivery.sending import send_media
from bot.issues import views
from bot.issues.attachments import VOICE_LIMIT_BYTES, media_problem, photo_of, voice_of
from bot.issues.boards import board, my_issues, on_board_button
from bot.issues.from_chat import Refusal, Where, file_message, replied_message
from bot.issues.service import (
    AlreadyFollowing,
    DraftGone,
    Issue,
    IssueClosed,
    IssueMissing,
    IssueReported,
    NearDuplicate,
    NewIssue,
    NowFollowing,
    OwnIssue,
    ReportThrottled,
    suggest,
)
from bot.issues.views import answers

__all__ = [
    "COMMANDS",
    "TEXT_LIMIT",
    "board",
    "my_issues",
    "register",
    "submit",
    "text_too_long",
]

TEXT_LIMIT = 2000
REPORT_CAPTION = r"^/(report|urgent)(@\w+)?(\s|$)"


def private_report_button(
    context: CustomContext, t: Translator, chat_id: int
) -> InlineKeyboardMarkup:
    label = t.p_("button", "✍️ Report privately")
    url = f"{context.bot.link}?start=r{chat_id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


def text_problem(t: Translator, text: str) -> str | None:
    if not text.strip():
        return t._("Describe the problem after the command.")
    if len(text) > TEXT_LIMIT:
        return t._("That is {n} characters; a report is at most {limit}.").format(
            n=t.number(len(text)), limit=t.number(TEXT_LIMIT)
        )
    return None


def text_too_long(t: Translator, text: str) -> str | None:
    """What is wrong with a note, solution or addition longer than TEXT_LIMIT, or None."""
    if len(text) <= TEXT_LIMIT:
        return None
    return t._("That text is {n} characters; at most {limit}.").format(
        n=t.number(len(text)), limit=t.number(TEXT_LIMIT)
    )


async def report(update: Update, context: CustomContext) -> None:
    await raise_issue(update, context, "minor")


async def urgent(update: Update, context: CustomContext) -> None:
    await raise_issue(update, context, "urgent")


async def report_with_media(update: Update, context: CustomContext) -> None:
    """A photo or voice message captioned "/report …" in a group: the media go with the report."""
    message = update.effective_message
    if message is None:
        return
    priority = "urgent" if (message.caption or "").startswith("/urgent") else "minor"
    await raise_issue(update, context, priority)


async def raise_issue(update: Update, context: CustomContext, priority: str) -> None:
    """/report or /urgent in a group: one line, the card answers it in the group."""
    message = update.effective_message
    if message is None or is_private(update):
        return  # private: the guided dialog's entry point handles it
    t = context.t
    chat_id, user_id = ids(update)
    grid = context.registry.chat_grid(chat_id)
    if grid is None:
        await reply(
            update,
            t._(
                "This group is not registered yet, so I can't take reports here. "
                "A group administrator registers it with /setup."
            ),
        )
        return
    text = command_text(message)
    replied = replied_message(message) if priority == "minor" and message.text else None
    if replied is not None:
        where = Where(grid.community_id, grid.id, chat_id, user_id, message.message_id)
        await file_from_chat(update, context, file_message(replied, text, where, TEXT_LIMIT))
        return
    refused = media_problem(t, message)
    if refused is not None:
        await reply(update, refused)
        return
    photo = photo_of(message)
    photos, voice = (photo,) if photo is not None else (), voice_of(message)
    problem = None if (photos or voice) and not text else text_problem(t, text)
    if problem is not None:
        command = "/urgent" if priority == "urgent" else "/report"
        how = usage(t, problem, f"{command} 3号楼门口路灯不亮")
        await reply(update, how, private_report_button(context, t, chat_id))
        return
    new = NewIssue(
        reporter_id=user_id,
        community_id=grid.community_id,
        grid_id=grid.id,
        chat_id=chat_id,
        text=text,
        category=suggest(text),
        priority=priority,
        reply_to=message.message_id,
        photos=photos,
        voice_file_id=voice,
        album=message.media_group_id if photos else None,
    )
    await submit(update, context, new)


async def file_from_chat(update: Update, context: CustomContext, filed: NewIssue | Refusal) -> None:
    """`/report` as a reply: the neighbour's message becomes a report, or the reason it can't."""
    if isinstance(filed, NewIssue):
        await submit(update, context, filed)
        return
    t = context.t
    reasons = {
        Refusal.BOT: t._("I can't file a bot's message as a report."),
        Refusal.COMMAND: t._("I can't file a command as a report."),
        Refusal.EMPTY: t._("That message has no text, photo, voice note or location to report."),
        Refusal.TOO_LONG: t._("That message is too long for a report (at most {limit}).").format(
            limit=t.number(TEXT_LIMIT)
        ),
        Refusal.TOO_LARGE: t._(
            "That voice note is larger than {limit} MB, more than I can pass on."
        ).format(limit=VOICE_LIMIT_BYTES // (1024 * 1024)),
    }
    await reply(update, reasons[filed])


async def submit(update: Update, context: CustomContext, new: NewIssue) -> Issue | None:
    """Create the issue (or say why not): the group card and alerts go out through the outbox."""
    t = context.t
    match await context.issues.report(context.origin, new):
        case ReportThrottled(until=until):
            await reply(
                update,
                t._(
                    "You have sent 5 reports in the last hour. Thank you! "
                    "You can report again at {time}."
                ).format(time=esc(t.when(until))),
            )
        case NearDuplicate(match=match, draft_id=draft_id):
            await reply(update, *answers.near_duplicate(t, match, draft_id))
        case IssueReported(issue=issue):
            if is_private(update):
                await reply(update, answers.confirmation(t, issue, context.issues.name))
            return issue
    return None


def ceil_minute(moment: datetime) -> datetime:
    """Times are shown to the minute: round up, so "at 16:31" is never a minute too early."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


async def on_duplicate_button(update: Update, context: CustomContext) -> None:
    """dupl:follow:<issue>:<draft> follows the issue instead; dupl:anyway:<draft> reports."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    ut = context.ut
    action = data.text(0) if data else None
    if data is not None and action == "follow":
        issue_id, draft_id = data.number(1), data.number(2)
        if issue_id is not None and draft_id is not None:
            await follow(update, context, issue_id, draft_id=draft_id)
            return
    draft = data.number(1) if data else None
    if action != "anyway" or draft is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    match await context.issues.report_anyway(context.origin, draft):
        case DraftGone():
            await query.answer(ut._("This button is no longer valid."))
        case ReportThrottled(until=until):
            when = ut.when(ceil_minute(until))
            text = ut._("You can report again at {time}.").format(time=when)
            await query.answer(text, show_alert=True)
        case IssueReported(issue=issue):
            await query.answer(ut._("Reported as #{id}.").format(id=issue.id))
            if query.message is not None and is_private(update):
                await reply(update, answers.confirmation(context.t, issue, context.issues.name))


async def follow(
    update: Update, context: CustomContext, issue_id: int, *, draft_id: int | None = None
) -> None:
    """ "Me too": follow an issue, answered in the button's popup."""
    query = update.callback_query
    assert query is not None
    ut = context.ut
    match await context.issues.follow(context.origin, issue_id, draft_id=draft_id):
        case IssueMissing():
            text = ut._("There is no issue #{id}.").format(id=issue_id)
        case OwnIssue():
            text = ut._("This is your own report: you hear of every step anyway.")
        case IssueClosed():
            text = ut._("#{id} is closed; there is nothing to follow.").format(id=issue_id)
        case AlreadyFollowing():
            text = ut._("You already follow #{id}.").format(id=issue_id)
        case NowFollowing():
            text = ut._("Thanks — you follow #{id} now.").format(id=issue_id)
            if not context.issues.reachable(context.origin.user_id):
                text += " " + ut._("Start a private chat with me to hear of its progress.")
    await query.answer(text, show_alert=len(text) > 60)


async def on_follow_button(update: Update, context: CustomContext) -> None:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    issue_id = data.number(1) if data else None
    if issue_id is None:
        await query.answer(context.ut._("This button is no longer valid."))
        return
    await follow(update, context, issue_id)


async def show_issue(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    args = command_text(message).split()
    number = parse_number(args[0]) if args else None
    if number is None:
        problem = (
            t._("Which issue? Give its number.")
            if not args
            else t._("“{value}” is not an issue number.").format(value=esc(args[0][:20]))
        )
        await reply(update, usage(t, problem, "/issue 12"))
        return
    issue = await context.issues.get(number)
    if issue is None:
        await reply(update, t._("There is no issue #{id}.").format(id=number))
        return
    await send_card(update, context, issue)


async def send_card(update: Update, context: CustomContext, issue: Issue) -> None:
    """In a group the public card; in private the reporter is named to those who may see them,
    the buttons are those this person may use, and the report's media follow the card."""
    t, service = context.t, context.issues
    if not is_private(update):
        text = views.card(t, issue, service.name, public=True)
        await reply(update, text, views.card_buttons(t, issue, None, context.settings.web_url))
        return
    chat_id, user_id = ids(update)
    public = not service.sees_reporter(user_id, issue)
    text = views.card(t, issue, service.name, public=public)
    card = await reply(update, text, views.card_buttons(t, issue, service.viewer(user_id, issue)))
    # the asker's own answer, like the card: sent now, not queued (nothing to keep if it fails)
    bot = context.bot
    for found in service.evidence_for(user_id, issue):
        await send_media(bot, chat_id, found.method, found.payload, reply_to=card)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("report", N_("/report <text>"), N_("report a problem"), report),
    CommandSpec("urgent", N_("/urgent <text>"), N_("report an urgent problem"), urgent),
    CommandSpec("issue", N_("/issue <N>"), N_("show an issue and its history"), show_issue),
    CommandSpec("board", N_("/board"), N_("the issue boards"), board),
    CommandSpec("my", N_("/my"), N_("your reports, what you follow, your sign-ups"), my_issues),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.CaptionRegex(REPORT_CAPTION), report_with_media
        )
    )
    app.add_handler(CallbackQueryHandler(on_follow_button, pattern=rf"^{views.ISSUE}:follow:"))
    app.add_handler(
        CallbackQueryHandler(on_duplicate_button, pattern=keyboards.pattern(views.DUPLICATE))
    )
    app.add_handler(CallbackQueryHandler(on_board_button, pattern=keyboards.pattern(views.BOARD)))
    register_menu_button(app, "my", my_issues)
    register_menu_button(app, "board", board)
