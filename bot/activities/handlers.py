"""Activities: /newactivity (one line; the guided dialog is in activity_dialog.py), publishing,
sign-up buttons, /activities, /cancel, /roster, /cancelactivity, /announce."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler

from bot.activities import views
from bot.activities.rules.times import Span, parse_span
from bot.activities.store import Activity, Done, Missing, NewActivity, Refused
from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.db import utcnow
from bot.core.i18n import N_, Translator
from bot.core.records import Community
from bot.core.render import esc, truncate
from bot.core.replies import command_text, denied, is_private, parse_number, reply, usage
from bot.core.roles import Action, Role
from bot.delivery.outbox_store import OutboxItem

ORGANIZERS = (Role.ORGANIZER.value, Role.COMMUNITY.value)
TITLE_LIMIT = 100
TEXT_LIMIT = 2000
PLACE_LIMIT = 100
CAPACITY_LIMIT = 10000
PARTY_LIMIT = 10
ONE_LINE = (
    "/newactivity 亲子定向赛 | 2026-12-05 09:00 | 海景湾三期中心花园 | 40 | 3 | 家长带孩子一起参加"
)
PENDING = "activity_line"  # user_data: a one-line /newactivity waiting for its community


def may_organize(context: CustomContext, user_id: int, community_id: int) -> bool:
    actor = context.actor(user_id, community_id)
    return actor.holds(Role.ORGANIZER) or actor.holds(Role.COMMUNITY)


def organizer_communities(context: CustomContext, user_id: int) -> list[Community]:
    if user_id in context.settings.admins:
        return context.registry.communities()
    return context.registry.communities_of(user_id, ORGANIZERS)


def target_chats(context: CustomContext, activity: Activity) -> list[int]:
    """The groups it is published to: those of its grids, or all of the community's."""
    chats = context.registry.group_chats(activity.community_id)
    if activity.grid_ids:
        chats = [c for c in chats if c.grid_id in activity.grid_ids]
    return sorted(c.id for c in chats)


def title_problem(t: Translator, title: str) -> str | None:
    if not 1 <= len(title) <= TITLE_LIMIT:
        return t._("The title is 1 to {limit} characters.").format(limit=TITLE_LIMIT)
    return None


def place_problem(t: Translator, place: str) -> str | None:
    if not 1 <= len(place) <= PLACE_LIMIT:
        return t._("The place is 1 to {limit} characters.").format(limit=PLACE_LIMIT)
    return None


def capacity_of(t: Translator, text: str) -> int | str:
    """The capacity, or what is wrong with it."""
    digits = text.strip()
    if not digits.isdecimal() or not 1 <= int(digits) <= CAPACITY_LIMIT:
        return t._("The capacity is a number of people, 1 to {limit}.").format(limit=CAPACITY_LIMIT)
    return int(digits)


def party_of(t: Translator, text: str) -> int | str:
    digits = text.strip()
    if not digits.isdecimal() or not 1 <= int(digits) <= PARTY_LIMIT:
        return t._("The largest party is a number, 1 to {limit}.").format(limit=PARTY_LIMIT)
    return int(digits)


def span_of(t: Translator, text: str, context: CustomContext) -> Span | str:
    span = parse_span(text, context.settings.tz)
    if isinstance(span, str):
        return time_problem(t, span, text)
    if span.start <= utcnow():
        return t._("{time} is in the past.").format(time=esc(t.when(span.start)))
    return span


def parse_line(
    t: Translator, text: str, context: CustomContext
) -> tuple[dict[str, object], None] | tuple[None, str]:
    """The one-line form: title | YYYY-MM-DD HH:MM | place | capacity [| max party [| description]]."""
    parts = [p.strip() for p in text.replace("｜", "|").split("|")]
    if len(parts) < 4:
        return None, t._("Give at least the title, time, place and capacity, separated by |.")
    title, when_text, place, capacity_text, *rest = parts
    span = span_of(t, when_text, context)
    capacity = capacity_of(t, capacity_text)
    party: int | str = party_of(t, rest[0]) if rest and rest[0] else 1
    description = " | ".join(rest[1:]).strip() or None
    problem = (
        title_problem(t, title)
        or (span if isinstance(span, str) else None)
        or place_problem(t, place)
        or (capacity if isinstance(capacity, str) else None)
        or (party if isinstance(party, str) else None)
    )
    if problem is None and description and len(description) > TEXT_LIMIT:
        problem = t._("The description is at most {limit} characters.").format(limit=TEXT_LIMIT)
    if problem is not None:
        return None, problem
    assert isinstance(span, Span)
    return {
        "title": title,
        "starts_at": span.start,
        "ends_at": span.end,
        "place": place,
        "capacity": capacity,
        "max_party": party,
        "description": description,
    }, None


def time_problem(t: Translator, error: str, text: str) -> str:
    if error == "order":
        return t._("The end must come after the start.")
    if error == "invalid":
        return t._("“{value}” is not a real date and time.").format(value=esc(truncate(text, 30)))
    return t._("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-05 09:00 (or 09:00-11:30).")


async def new_activity(update: Update, context: CustomContext) -> None:
    """One line; in private without arguments the guided dialog takes it (activity_dialog)."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    text = command_text(message)
    if not text:
        await reply(
            update,
            usage(
                t,
                t._(
                    "Describe the activity in one line, or send /newactivity to me in private for a guided form."
                ),
                ONE_LINE,
            ),
        )
        return
    fields, problem = parse_line(t, text, context)
    if problem is not None:
        await reply(update, usage(t, problem, ONE_LINE))
        return
    assert fields is not None
    if not is_private(update):
        grid = context.registry.chat_grid(chat_id)
        if grid is None:
            await reply(update, t._("This group is not registered yet; register it first."))
            return
        if not may_organize(context, user_id, grid.community_id):
            await reply(update, denied(t, views.refusal(t, "denied", None)))
            return
        await make_draft(update, context, grid.community_id, fields)
        return
    communities = organizer_communities(context, user_id)
    if not communities:
        await reply(
            update, denied(t, t._("Only organizers and community officials create activities."))
        )
        return
    if len(communities) == 1:
        await make_draft(update, context, communities[0].id, fields)
        return
    assert context.user_data is not None
    context.user_data[PENDING] = fields
    await reply(
        update,
        t._("For which community?"),
        keyboards.rows(
            [keyboards.button(c.name, views.ACTIVITY, "for", c.id) for c in communities[:30]], 2
        ),
    )


async def make_draft(
    update: Update, context: CustomContext, community_id: int, fields: dict[str, object]
) -> Activity:
    _, user_id = ids(update)
    new = NewActivity(community_id=community_id, created_by=user_id, **fields)  # type: ignore[arg-type]
    activity = await context.activities.create_draft(new, now=utcnow(), update_id=context.update_id)
    await show_preview(update, context, activity)
    return activity


async def show_preview(update: Update, context: CustomContext, activity: Activity) -> None:
    t = context.t
    groups = target_chats(context, activity)
    text = (
        views.card(t, activity)
        + "\n\n"
        + t.n_(
            "It will be sent to {n} group.", "It will be sent to {n} groups.", len(groups)
        ).format(n=len(groups))
    )
    await reply(update, text, views.publish_buttons(t, activity))


async def on_button(update: Update, context: CustomContext) -> None:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    action = data.text(0) if data else None
    number = data.number(1) if data else None
    ut = context.ut
    if data is None or number is None:
        await query.answer(ut._("This button is no longer valid."))
        return
    if action == "join":
        party = data.number(2)
        await sign_up(update, context, number, party if party is not None else 0)
    elif action == "leave":
        await cancel_signup(update, context, number)
    elif action in ("publish", "grids", "grid", "discard"):
        await organize_button(update, context, action, number, data.number(2))
    elif action == "for":
        await for_community(update, context, number)
    else:
        await query.answer(ut._("This button is no longer valid."))


async def sign_up(update: Update, context: CustomContext, activity_id: int, party: int) -> None:
    query = update.callback_query
    _, user_id = ids(update)
    ut = context.ut
    result = await context.activities.sign_up(
        activity_id,
        user_id,
        party,
        now=utcnow(),
        compose=context.activity_notifier.compose,
        update_id=context.update_id,
    )
    if isinstance(result, Missing):
        text = ut._("There is no activity #{id}.").format(id=activity_id)
    elif isinstance(result, Refused):
        text = views.refusal(ut, result.why, result.activity, result.free)
    else:
        assert result.change.signup is not None
        text = views.signup_answer(
            ut, result.change.activity, result.change.signup, result.change.event
        )
    if query is not None:
        await query.answer(truncate(text, 200), show_alert=isinstance(result, Refused))
    else:
        await reply(update, text)


async def cancel_signup(update: Update, context: CustomContext, activity_id: int) -> None:
    query = update.callback_query
    _, user_id = ids(update)
    ut = context.ut if query is not None else context.t
    result = await context.activities.cancel_signup(
        activity_id,
        user_id,
        now=utcnow(),
        compose=context.activity_notifier.compose,
        update_id=context.update_id,
    )
    if isinstance(result, Missing):
        text = ut._("There is no activity #{id}.").format(id=activity_id)
    elif isinstance(result, Refused):
        text = views.refusal(ut, result.why, result.activity)
    else:
        text = ut._("Your sign-up for #{id} is cancelled.").format(id=activity_id)
    if query is not None:
        await query.answer(truncate(text, 200))
    else:
        await reply(update, text)


async def organize_button(
    update: Update, context: CustomContext, action: str, activity_id: int, grid_id: int | None
) -> None:
    query = update.callback_query
    assert query is not None
    _, user_id = ids(update)
    ut = context.ut
    activity = await context.activities.get(activity_id)
    if activity is None:
        await query.answer(ut._("There is no activity #{id}.").format(id=activity_id))
        return
    if not may_organize(context, user_id, activity.community_id):
        await query.answer(views.refusal(ut, "denied", activity), show_alert=True)
        return
    if activity.state != "draft":
        await query.answer(views.refusal(ut, "not_draft", activity), show_alert=True)
        return
    t = context.t
    if action == "publish":
        result = await context.activities.publish(
            activity_id,
            lambda a: target_chats(context, a),
            now=utcnow(),
            compose=context.activity_notifier.compose,
            may=lambda a: may_organize(context, user_id, a.community_id),
            update_id=context.update_id,
        )
        if isinstance(result, Done):
            count = len(result.change.card_chats)
            await query.answer(
                ut.n_("Published to {n} group.", "Published to {n} groups.", count).format(n=count)
            )
            await query.edit_message_reply_markup(None)
        else:
            why = result.why if isinstance(result, Refused) else "closed"
            await query.answer(views.refusal(ut, why, activity), show_alert=True)
        return
    if action == "discard":
        await context.activities.cancel_activity(
            activity_id,
            None,
            now=utcnow(),
            compose=lambda change: [],
            may=lambda a: True,
            update_id=context.update_id,
        )
        await query.answer(ut._("Discarded."))
        await query.edit_message_reply_markup(None)
        return
    grids = [(g.id, g.name) for g in context.registry.grids_of(activity.community_id)]
    if action == "grid" and grid_id is not None and any(g == grid_id for g, _ in grids):
        chosen = set(activity.grid_ids) ^ {grid_id}
        updated = await context.activities.set_grids(activity_id, tuple(sorted(chosen)))
        activity = updated or activity
    await query.answer()
    text = t._("Publish to which grids? (none chosen: all of them)")
    markup = views.grid_picker(t, activity, grids)
    if action == "grids":
        await reply(update, text, markup)
    else:
        await query.edit_message_reply_markup(markup)


async def for_community(update: Update, context: CustomContext, community_id: int) -> None:
    query = update.callback_query
    assert query is not None
    _, user_id = ids(update)
    fields = context.user_data.pop(PENDING, None) if context.user_data is not None else None
    if fields is None or not may_organize(context, user_id, community_id):
        await query.answer(context.ut._("This button is no longer valid."))
        return
    await query.answer()
    await make_draft(update, context, community_id, fields)


async def list_activities(update: Update, context: CustomContext) -> None:
    t = context.t
    chat_id, _ = ids(update)
    grid = context.registry.chat_grid(chat_id) if not is_private(update) else None
    upcoming = await context.activities.upcoming(
        utcnow(), [grid.community_id] if grid else None, limit=10
    )
    if grid is not None:
        upcoming = [a for a in upcoming if not a.grid_ids or grid.id in a.grid_ids]
    if not upcoming:
        await reply(update, t._("No activities coming up."))
        return
    for activity in upcoming:
        await reply(update, views.card(t, activity), views.buttons(t, activity))


async def cancel_command(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    words = command_text(message).split()
    number = parse_number(words[0]) if words else None
    if number is None:
        await reply(update, usage(t, t._("Which activity? Give its number."), "/cancel 3"))
        return
    await cancel_signup(update, context, number)


async def roster(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    _, user_id = ids(update)
    words = command_text(message).split()
    number = parse_number(words[0]) if words else None
    if number is None:
        await reply(update, usage(t, t._("Which activity? Give its number."), "/roster 3"))
        return
    activity = await context.activities.get(number)
    if activity is None:
        await reply(update, t._("There is no activity #{id}.").format(id=number))
        return
    if not may_organize(context, user_id, activity.community_id):
        await reply(update, denied(t, views.refusal(t, "denied", activity)))
        return
    ut = context.ut
    signups = await context.activities.roster(number)
    storage = context.registry

    def name(uid: int) -> str:
        user = storage.user(uid)
        return user.full_name if user else str(uid)

    def username(uid: int) -> str:
        user = storage.user(uid)
        return f"@{user.username}" if user and user.username else ""

    text = views.roster_text(ut, activity, signups, name)
    data = views.roster_csv(ut, signups, name, username)
    ask_to_start = (
        t._("Start a private chat with me first: the roster goes there."),
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(t._("Open private chat"), url=context.bot.link)]]
        ),
    )
    user = storage.user(user_id)
    if user is None or not user.started or user.blocked:
        await reply(update, *ask_to_start)
        return
    try:
        await context.bot.send_message(user_id, text)
        await context.bot.send_document(
            user_id,
            InputFile(data, filename=f"roster-{activity.id}.csv"),
            caption=f"#{activity.id} {truncate(activity.title, 200)}",
        )
    except Forbidden:
        await reply(update, *ask_to_start)
        return
    if not is_private(update):
        await reply(update, t._("The roster was sent to you privately."))


async def cancel_activity(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    _, user_id = ids(update)
    words = command_text(message).split(maxsplit=1)
    number = parse_number(words[0]) if words else None
    if number is None:
        await reply(
            update,
            usage(t, t._("Which activity? Give its number."), "/cancelactivity 3 因天气原因取消"),
        )
        return
    reason = words[1].strip() if len(words) > 1 else None
    if reason and len(reason) > TEXT_LIMIT:
        await reply(
            update,
            usage(
                t,
                t._("The reason is at most {limit} characters.").format(limit=TEXT_LIMIT),
                "/cancelactivity 3 因天气原因取消",
            ),
        )
        return
    result = await context.activities.cancel_activity(
        number,
        reason,
        now=utcnow(),
        compose=context.activity_notifier.compose,
        may=lambda a: may_organize(context, user_id, a.community_id),
        update_id=context.update_id,
    )
    if isinstance(result, Missing):
        await reply(update, t._("There is no activity #{id}.").format(id=number))
    elif isinstance(result, Refused):
        text = views.refusal(t, result.why, result.activity)
        await reply(
            update,
            denied(t, text)
            if result.why == "denied"
            else t._("#{id} is already over or cancelled.").format(id=number),
        )
    else:
        count = len(result.change.audience)
        await reply(
            update,
            t.n_(
                "✅ #{id} is cancelled; {n} sign-up is told.",
                "✅ #{id} is cancelled; {n} sign-ups are told.",
                count,
            ).format(id=number, n=count),
        )


async def announce(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    text = command_text(message)
    how = "/announce 本周六上午9点在中心花园举办亲子定向赛，欢迎报名！"
    if not text:
        await reply(update, usage(t, t._("Write the notice after the command."), how))
        return
    if len(text) > TEXT_LIMIT:
        await reply(
            update,
            usage(
                t, t._("The notice is at most {limit} characters.").format(limit=TEXT_LIMIT), how
            ),
        )
        return
    grid = context.registry.chat_grid(chat_id) if not is_private(update) else None
    communities = (
        [c for c in [context.registry.community(grid.community_id)] if c]
        if grid
        else organizer_communities(context, user_id)
    )
    if not communities:
        await reply(
            update, denied(t, t._("Only organizers and community officials create activities."))
        )
        return
    if len(communities) > 1:
        await reply(update, usage(t, t._("Send it in a group of the community it is for."), how))
        return
    community = communities[0]
    if not may_organize(context, user_id, community.id):
        await reply(update, denied(t, views.refusal(t, "denied", None)))
        return
    chats = context.registry.group_chats(community.id)
    items = [
        OutboxItem(c.id, views.announcement(context.catalogs.get(c.locale), community.name, text))
        for c in chats
    ]
    await context.activities.announce(items, now=utcnow(), update_id=context.update_id)
    await reply(
        update,
        t.n_(
            "✅ Sent to {n} group of {community}.",
            "✅ Sent to {n} groups of {community}.",
            len(items),
        ).format(n=len(items), community=esc(community.name)),
    )


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "activities",
        N_("/activities"),
        N_("activities coming up, with sign-up buttons"),
        list_activities,
    ),
    CommandSpec(
        "cancel", N_("/cancel <N>"), N_("cancel your sign-up for activity #N"), cancel_command
    ),
    CommandSpec(
        "newactivity",
        N_("/newactivity"),
        N_("create an activity (guided in private, or one line)"),
        new_activity,
        action=Action.ORGANIZE,
        menu=False,
    ),
    CommandSpec(
        "roster",
        N_("/roster <N>"),
        N_("who signed up (text and CSV, privately)"),
        roster,
        action=Action.ORGANIZE,
        menu=False,
    ),
    CommandSpec(
        "cancelactivity",
        N_("/cancelactivity <N> [reason]"),
        N_("cancel an activity; everyone signed up is told"),
        cancel_activity,
        action=Action.ORGANIZE,
        menu=False,
    ),
    CommandSpec(
        "announce",
        N_("/announce <text>"),
        N_("send a notice to every group of the community"),
        announce,
        action=Action.ORGANIZE,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(CallbackQueryHandler(on_button, pattern=keyboards.pattern(views.ACTIVITY)))
