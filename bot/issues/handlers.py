"""Raising and reading issues: /report and /urgent in groups, /issue, /board, /my, "me too",
and the near-duplicate suggestion's buttons. Changes of state are in handlers/moderation.py,
the guided private report in handlers/report_dialog.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.db import utcnow
from bot.core.i18n import N_, Translator
from bot.core.render import esc
from bot.core.replies import command_text, is_private, parse_number, reply, usage
from bot.issues import views
from bot.issues.rules.categories import suggest
from bot.issues.store import (
    CannotFollow,
    Followed,
    Issue,
    IssueSummary,
    LooksLike,
    NewIssue,
    NotFound,
    RateLimited,
    Scope,
)

TEXT_LIMIT = 2000
PAGE = 10


def private_report_button(
    context: CustomContext, t: Translator, chat_id: int
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.p_("button", "✍️ Report privately"), url=f"{context.bot.link}?start=r{chat_id}"
                )
            ]
        ]
    )


def text_problem(t: Translator, text: str) -> str | None:
    if not text.strip():
        return t._("Describe the problem after the command.")
    if len(text) > TEXT_LIMIT:
        return t._("That is {n} characters; a report is at most {limit}.").format(
            n=t.number(len(text)), limit=t.number(TEXT_LIMIT)
        )
    return None


async def report(update: Update, context: CustomContext) -> None:
    await raise_issue(update, context, "minor")


async def urgent(update: Update, context: CustomContext) -> None:
    await raise_issue(update, context, "urgent")


REPORT_CAPTION = r"^/(report|urgent)(@\w+)?(\s|$)"


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
    command = "/urgent" if priority == "urgent" else "/report"
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
    photos = (message.photo[-1].file_id,) if message.photo else ()
    voice = message.voice.file_id if message.voice else None
    problem = None if (photos or voice) and not text else text_problem(t, text)
    if problem is not None:
        await reply(
            update,
            usage(t, problem, f"{command} 3号楼门口路灯不亮"),
            private_report_button(context, t, chat_id),
        )
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
    )
    await submit(update, context, new)


async def submit(update: Update, context: CustomContext, new: NewIssue) -> Issue | None:
    """Create the issue (or say why not): the group card and alerts go out through the outbox."""
    result = await context.issues.create(
        new,
        now=utcnow(),
        compose=context.notifier.issue_event,
        update_id=context.update_id,
        check_rate=new.reporter_id not in context.settings.admins,
    )
    t = context.t
    if isinstance(result, RateLimited):
        await reply(
            update,
            t._(
                "You have sent 5 reports in the last hour. Thank you! You can report again at {time}."
            ).format(time=esc(t.when(result.until))),
        )
        return None
    if isinstance(result, LooksLike):
        await suggest_duplicate(update, context, result)
        return None
    if is_private(update):
        await reply(update, confirmation(t, context, result.issue))
    return result.issue


def ceil_minute(moment: datetime) -> datetime:
    """Times are shown to the minute: round up, so "at 16:31" is never a minute too early."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


def confirmation(t: Translator, context: CustomContext, issue: Issue) -> str:
    text = t._("✅ Reported as <b>#{id}</b>. I'll tell you here of every step.").format(id=issue.id)
    if issue.chat_id is not None:
        text += "\n" + t._("Its card is in your grid group, where neighbours can press “Me too”.")
    return text + "\n\n" + views.card(t, issue, context.notifier.name, public=False)


async def suggest_duplicate(update: Update, context: CustomContext, found: LooksLike) -> None:
    t = context.t
    match = await context.issues.get(found.match_id)
    if match is None:
        return
    text = t._("This looks like <b>#{id}</b>, already reported:").format(id=match.id)
    text += "\n" + views.summary_line(t, summary_of(match))
    text += "\n" + t._("Press “Follow” to hear of its progress, or report yours anyway.")
    markup = InlineKeyboardMarkup(
        [
            [
                keyboards.button(
                    t.p_("button", "🙋 Follow #{id}").format(id=match.id),
                    views.DUPLICATE,
                    "follow",
                    match.id,
                    found.draft_id,
                ),
                keyboards.button(
                    t.p_("button", "📝 Report anyway"), views.DUPLICATE, "anyway", found.draft_id
                ),
            ]
        ]
    )
    await reply(update, text, markup)


def summary_of(issue: Issue) -> IssueSummary:
    return IssueSummary(
        issue.id,
        issue.grid_id,
        issue.state,
        issue.priority,
        issue.category,
        issue.text,
        len(issue.followers),
        issue.created_at,
        issue.updated_at,
        issue.voice_file_id is not None,
    )


async def on_duplicate_button(update: Update, context: CustomContext) -> None:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    _, user_id = ids(update)
    ut = context.ut
    if data is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    action = data.text(0)
    if action == "follow":
        issue_id, draft_id = data.number(1), data.number(2)
        if issue_id is None or draft_id is None:
            await query.answer(ut._("This button is no longer valid."))
            return
        await context.issues.drop_draft(draft_id, user_id)
        await follow(update, context, issue_id)
        return
    draft_id = data.number(1)
    if action != "anyway" or draft_id is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    result = await context.issues.create_from_draft(
        draft_id,
        user_id,
        now=utcnow(),
        compose=context.notifier.issue_event,
        update_id=context.update_id,
        check_rate=user_id not in context.settings.admins,
    )
    if isinstance(result, NotFound):
        await query.answer(ut._("This button is no longer valid."))
        return
    if isinstance(result, RateLimited):
        await query.answer(
            ut._("You can report again at {time}.").format(time=ut.when(ceil_minute(result.until))),
            show_alert=True,
        )
        return
    await query.answer(ut._("Reported as #{id}.").format(id=result.issue.id))
    if query.message is not None and is_private(update):
        await reply(update, confirmation(context.t, context, result.issue))


async def follow(update: Update, context: CustomContext, issue_id: int) -> None:
    """ "Me too": follow an issue, answered in the button's popup."""
    query = update.callback_query
    assert query is not None
    _, user_id = ids(update)
    ut = context.ut
    result = await context.issues.follow(
        issue_id,
        user_id,
        now=utcnow(),
        compose=context.notifier.issue_event,
        update_id=context.update_id,
    )
    if isinstance(result, NotFound):
        text = ut._("There is no issue #{id}.").format(id=issue_id)
    elif isinstance(result, CannotFollow):
        text = (
            ut._("This is your own report: you hear of every step anyway.")
            if result.why == "own"
            else ut._("#{id} is closed; there is nothing to follow.").format(id=issue_id)
        )
    elif isinstance(result, Followed) and not result.added:
        text = ut._("You already follow #{id}.").format(id=issue_id)
    else:
        text = ut._("Thanks — you follow #{id} now.").format(id=issue_id)
        if not context.notifier.reachable(user_id):
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
    t = context.t
    _, user_id = ids(update)
    if is_private(update):
        viewer = context.notifier.who(user_id, issue)
        sees_reporter = (
            viewer.reporter
            or viewer.superadmin
            or bool(viewer.roles & {"grid", "property", "community"})
        )
        text = views.card(t, issue, context.notifier.name, public=not sees_reporter)
        await reply(update, text, views.card_buttons(t, issue, viewer))
    else:
        text = views.card(t, issue, context.notifier.name, public=True)
        await reply(update, text, views.card_buttons(t, issue, None))


# -- boards ------------------------------------------------------------------------------------


def board_scope(context: CustomContext, scope: str, scope_id: int) -> tuple[str, Scope] | None:
    """(title, what to read) of a board: one grid ("g"), or a whole community ("c")."""
    storage = context.registry
    if scope == "g":
        grid = storage.grid(scope_id)
        community = storage.community(grid.community_id) if grid else None
        if grid is None or community is None:
            return None
        return f"{community.name} · {grid.name}", ("grid_id", grid.id)
    community = storage.community(scope_id)
    if community is None:
        return None
    return community.name, ("community_id", community.id)


async def board(update: Update, context: CustomContext) -> None:
    t = context.t
    chat_id, _ = ids(update)
    if not is_private(update):
        grid = context.registry.chat_grid(chat_id)
        if grid is None:
            await reply(update, t._("This group is not registered yet; register it first."))
            return
        await send_boards(update, context, "g", grid.id)
        return
    communities = context.registry.communities()
    if not communities:
        await reply(update, t._("No grid group is registered yet."))
        return
    if len(communities) == 1:
        await send_boards(update, context, "c", communities[0].id)
        return
    buttons = [
        keyboards.button(c.name, views.BOARD, "c", c.id, "all", 0, "n") for c in communities[:40]
    ]
    await reply(update, t._("Which community's board?"), keyboards.rows(buttons, 2))


async def send_boards(update: Update, context: CustomContext, scope: str, scope_id: int) -> None:
    t = context.t
    found = board_scope(context, scope, scope_id)
    if found is None:
        await reply(update, t._("This board no longer exists."))
        return
    name, where = found
    boards = await context.issues.boards(where, per_board=PAGE)
    lines = [t._("<b>{place} · issue board</b>").format(place=esc(name))]
    more = []
    for state in ("open", "escalated", "resolved"):
        items, total = boards[state]
        lines.append("")
        lines.append(
            t._("<b>{board}</b> · {state} {n}").format(
                board=t._(views.BOARD_NAMES[state]),
                state=t._(views.STATE_NAMES[state]),
                n=t.number(total),
            )
        )
        lines += [views.summary_line(t, s) for s in items] or [t._("(none)")]
        if total > len(items):
            more.append(
                keyboards.button(
                    t._(views.BOARD_NAMES[state]) + " ›",
                    views.BOARD,
                    scope,
                    scope_id,
                    state,
                    1,
                    "n",
                )
            )
    lines.append("")
    lines.append(t._("Open one with /issue N."))
    await reply(update, "\n".join(lines), keyboards.rows(more, 3) if more else None)


async def on_board_button(update: Update, context: CustomContext) -> None:
    """brd:<scope>:<id>:<state|all>:<page>:<n|e> — a board, or one page of one board, sent
    as a new message (n) or replacing the page the button is on (e)."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    scope = data.text(0) if data else None
    scope_id = data.number(1) if data else None
    state = data.text(2) if data else None
    page = data.number(3) if data else None
    if (
        data is None
        or scope not in ("g", "c")
        or scope_id is None
        or page is None
        or page < 0
        or state not in ("all", "open", "escalated", "resolved")
    ):
        await query.answer(context.ut._("This button is no longer valid."))
        return
    assert scope is not None and state is not None
    await query.answer()
    if state == "all":
        await send_boards(update, context, scope, scope_id)
        return
    t = context.t
    found = board_scope(context, scope, scope_id)
    if found is None:
        await reply(update, t._("This board no longer exists."))
        return
    name, where = found
    items, total = await context.issues.board(where, state, offset=page * PAGE, limit=PAGE)
    pages = max(1, -(-total // PAGE))
    lines = [
        t._("<b>{place} · {board}</b> ({page}/{pages})").format(
            place=esc(name), board=t._(views.BOARD_NAMES[state]), page=page + 1, pages=pages
        )
    ]
    lines += [views.summary_line(t, s) for s in items] or [t._("(none)")]
    nav = []
    if page > 0:
        nav.append(keyboards.button("‹", views.BOARD, scope, scope_id, state, page - 1, "e"))
    if page + 1 < pages:
        nav.append(keyboards.button("›", views.BOARD, scope, scope_id, state, page + 1, "e"))
    markup = InlineKeyboardMarkup([nav]) if nav else None
    if data.text(4) == "e" and query.message is not None:
        await query.edit_message_text("\n".join(lines), reply_markup=markup)
    else:
        await reply(update, "\n".join(lines), markup)


async def my_issues(update: Update, context: CustomContext) -> None:
    t = context.t
    _, user_id = ids(update)
    reported, followed = await context.issues.mine(user_id)
    lines = [t._("<b>Your reports</b>")]
    lines += [f"{views.summary_line(t, s)} · {t._(views.STATE_NAMES[s.state])}" for s in reported]
    if not reported:
        lines.append(t._("(none) — report a problem with /report"))
    lines += ["", t._("<b>Issues you follow</b>")]
    lines += [f"{views.summary_line(t, s)} · {t._(views.STATE_NAMES[s.state])}" for s in followed]
    if not followed:
        lines.append(t._("(none)"))
    lines += ["", t._("Open one with /issue N.")]
    signups = await context.activities.of_user(user_id, utcnow())
    lines += ["", t._("<b>Your sign-ups</b>")]
    for activity, signup in signups:
        state = (
            t._("confirmed")
            if signup.status == "confirmed"
            else t._("waitlist position {n}").format(n=signup.position)
        )
        lines.append(
            f"<b>#{activity.id}</b> {esc(activity.title)} · {esc(t.when(activity.starts_at))}"
            f" · ×{signup.party} · {state}"
        )
    if not signups:
        lines.append(t._("(none) — see /activities"))
    await reply(update, "\n".join(lines))


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
