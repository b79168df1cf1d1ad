"""What organizers do: /newactivity in one line (the guided form is dialog.py), the draft's
buttons (publish, choose grids, discard), /roster, /cancelactivity and /announce.

Which community a command is about, and whether the caller organizes there, is the scope
resolver's (bot/core/scope.py) for a new activity or a notice, and the service's (the
activity's own community) for everything that names an activity.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import Forbidden

from bot.activities import forms, views
from bot.activities.forms import FormProblem
from bot.activities.service import (
    Activity,
    ActivityCancelled,
    ActivityDetails,
    ActivityMissing,
    ActivityOver,
    ActivityPublished,
    ActivityRefusal,
    ActivityRoster,
    Announced,
    DraftDiscarded,
    DraftMade,
    GridChoice,
    NotOrganizer,
    Signup,
)
from bot.context import CustomContext
from bot.core.i18n import Translator
from bot.core.render import esc, truncate
from bot.core.replies import command_text, denied, is_private, parse_number, reply, usage
from bot.core.roles import Action
from bot.core.scope import Scope, require

ONE_LINE = (
    "/newactivity 亲子定向赛 | 2026-12-05 09:00 | 海景湾三期中心花园 | 40 | 3 | 家长带孩子一起参加"
)
ONE_LINE_NAMED = "/newactivity 西安村 | 亲子定向赛 | 2026-12-05 09:00 | 海景湾三期中心花园 | 40"
ANNOUNCE = "/announce 本周六上午9点在中心花园举办亲子定向赛，欢迎报名！"
ANNOUNCE_NAMED = "/announce 西安村 本周六上午9点在中心花园举办亲子定向赛，欢迎报名！"
CANCEL = "/cancelactivity 3 因天气原因取消"


async def _scope(
    update: Update, context: CustomContext, words: list[str], how: str
) -> Scope | None:
    """The community a new activity or a notice is for, where the caller organizes."""
    t = context.t
    return await require(
        update,
        context,
        words,
        action=Action.ORGANIZE,
        how=how,
        nobody=t._("Only organizers and community officials create activities."),
        refusal=t._("Only organizers and community officials of its community do this."),
    )


async def new_activity(update: Update, context: CustomContext) -> None:
    """One line; in private without arguments the guided dialog takes it (dialog.py). In
    private the community may be named as the first part: `西安村 | 亲子定向赛 | …`."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    text = command_text(message)
    if not text:
        problem = t._(
            "Describe the activity in one line, or send /newactivity to me in private for a guided form."
        )
        await reply(update, usage(t, problem, ONE_LINE))
        return
    parts = forms.split_line(text)
    private = is_private(update)
    scope = await _scope(update, context, parts[:1] if private else [], ONE_LINE_NAMED)
    if scope is None:
        return
    if private and not scope.words:  # the first part named the community
        parts = parts[1:]
    try:
        details = forms.details(t, parts, context.settings.tz)
    except FormProblem as problem:
        await reply(update, usage(t, problem.text, ONE_LINE))
        return
    await make_draft(update, context, scope.community.id, details)


async def make_draft(
    update: Update, context: CustomContext, community_id: int, details: ActivityDetails
) -> None:
    """The draft, shown to its organizer with "Publish" (also the guided form's last step)."""
    t = context.t
    match await context.activities.create_draft(context.origin, community_id, details):
        case DraftMade(activity, groups):
            await reply(
                update, views.preview(t, activity, groups), views.publish_buttons(t, activity)
            )
        case NotOrganizer() as refused:
            await reply(update, denied(t, views.refusal(t, refused)))


async def on_draft_button(
    update: Update, context: CustomContext, action: str, activity_id: int, grid_id: int | None
) -> None:
    """act:publish | act:grids | act:grid (choose or unchoose one) | act:discard."""
    query = update.callback_query
    assert query is not None
    ut, activities, origin = context.ut, context.activities, context.origin
    if action == "publish":
        match await activities.publish(origin, activity_id):
            case ActivityPublished(groups=count):
                published = ut.n_("Published to {n} group.", "Published to {n} groups.", count)
                await query.answer(published.format(n=count))
                await query.edit_message_reply_markup(None)
            case other:
                await _answer_refusal(query, ut, other)
    elif action == "discard":
        match await activities.discard(origin, activity_id):
            case DraftDiscarded():
                await query.answer(ut._("Discarded."))
                await query.edit_message_reply_markup(None)
            case other:
                await _answer_refusal(query, ut, other)
    else:
        toggle = grid_id if action == "grid" else None
        match await activities.choose_grids(origin, activity_id, toggle):
            case GridChoice(activity, grids):
                await query.answer()
                t = context.t
                markup = views.grid_picker(t, activity, list(grids))
                if action == "grids":
                    text = t._("Publish to which grids? (none chosen: all of them)")
                    await reply(update, text, markup)
                else:
                    await query.edit_message_reply_markup(markup)
            case other:
                await _answer_refusal(query, ut, other)


async def _answer_refusal(
    query: CallbackQuery, ut: Translator, refused: ActivityMissing | ActivityRefusal
) -> None:
    match refused:
        case ActivityMissing(activity_id):
            await query.answer(views.missing(ut, activity_id))
        case _:
            await query.answer(views.refusal(ut, refused), show_alert=True)


async def roster(update: Update, context: CustomContext) -> None:
    t = context.t
    asked = await activity_number(update, context, "/roster 3")
    if asked is None:
        return
    number, _ = asked
    match await context.activities.roster(context.origin, number):
        case ActivityRoster(activity, signups):
            await _send_roster(update, context, activity, signups)
        case ActivityMissing():
            await reply(update, views.missing(t, number))
        case NotOrganizer() as refused:
            await reply(update, denied(t, views.refusal(t, refused)))


async def _send_roster(
    update: Update, context: CustomContext, activity: Activity, signups: list[Signup]
) -> None:
    """Text and CSV, in private (names and usernames are not for the group)."""
    t, ut, registry = context.t, context.ut, context.registry
    user_id = context.origin.user_id

    def name(uid: int) -> str:
        user = registry.user(uid)
        return user.full_name if user else str(uid)

    def username(uid: int) -> str:
        user = registry.user(uid)
        return f"@{user.username}" if user and user.username else ""

    ask_to_start = (
        t._("Start a private chat with me first: the roster goes there."),
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(t._("Open private chat"), url=context.bot.link)]]
        ),
    )
    user = registry.user(user_id)
    if user is None or not user.started or user.blocked:
        await reply(update, *ask_to_start)
        return
    try:
        await context.bot.send_message(user_id, views.roster_text(ut, activity, signups, name))
        await context.bot.send_document(
            user_id,
            InputFile(
                views.roster_csv(ut, signups, name, username),
                filename=f"roster-{activity.id}.csv",
            ),
            caption=f"#{activity.id} {truncate(activity.title, 200)}",
        )
    except Forbidden:
        await reply(update, *ask_to_start)
        return
    if not is_private(update):
        await reply(update, t._("The roster was sent to you privately."))


async def cancel_activity(update: Update, context: CustomContext) -> None:
    t = context.t
    asked = await activity_number(update, context, CANCEL)
    if asked is None:
        return
    number, rest = asked
    reason = rest or None
    if reason and len(reason) > forms.TEXT_LIMIT:
        too_long = t._("The reason is at most {limit} characters.")
        await reply(update, usage(t, too_long.format(limit=forms.TEXT_LIMIT), CANCEL))
        return
    match await context.activities.cancel(context.origin, number, reason):
        case ActivityCancelled(told=count):
            done = t.n_(
                "✅ #{id} is cancelled; {n} sign-up is told.",
                "✅ #{id} is cancelled; {n} sign-ups are told.",
                count,
            )
            await reply(update, done.format(id=number, n=count))
        case ActivityMissing():
            await reply(update, views.missing(t, number))
        case NotOrganizer() as refused:
            await reply(update, denied(t, views.refusal(t, refused)))
        case ActivityOver():
            await reply(update, t._("#{id} is already over or cancelled.").format(id=number))


async def announce(update: Update, context: CustomContext) -> None:
    """A notice to every group of the community; in private the community may be named first."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    text = command_text(message)
    if not text:
        await reply(update, usage(t, t._("Write the notice after the command."), ANNOUNCE))
        return
    if len(text) > forms.TEXT_LIMIT:
        too_long = t._("The notice is at most {limit} characters.")
        await reply(update, usage(t, too_long.format(limit=forms.TEXT_LIMIT), ANNOUNCE))
        return
    private, words = is_private(update), text.split(maxsplit=1)
    scope = await _scope(update, context, words[:1] if private else [], ANNOUNCE_NAMED)
    if scope is None:
        return
    if private and not scope.words:  # the first word named the community
        text = words[1] if len(words) > 1 else ""
        if not text:
            await reply(update, usage(t, t._("Write the notice after the command."), ANNOUNCE))
            return
    match await context.activities.announce(context.origin, scope.community, text):
        case Announced(community, groups):
            sent = t.n_(
                "✅ Sent to {n} group of {community}.",
                "✅ Sent to {n} groups of {community}.",
                groups,
            )
            await reply(update, sent.format(n=groups, community=esc(community.name)))
        case NotOrganizer() as refused:
            await reply(update, denied(t, views.refusal(t, refused)))


async def activity_number(
    update: Update, context: CustomContext, how: str
) -> tuple[int, str] | None:
    """The activity number a command starts with and the text after it; None after saying how
    to write it."""
    message = update.effective_message
    words = command_text(message).split(maxsplit=1) if message is not None else []
    number = parse_number(words[0]) if words else None
    if number is None:
        t = context.t
        await reply(update, usage(t, t._("Which activity? Give its number."), how))
        return None
    return number, words[1].strip() if len(words) > 1 else ""
