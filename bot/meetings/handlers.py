"""The monthly residents' meeting (民情茶角): /setmeeting, /meeting and /remind; /minutes walks
the last meeting's agenda in bot/meetings/minutes.py."""

from __future__ import annotations

from datetime import time

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core import scope
from bot.core.commands import PRIVATE, CommandSpec, register_commands
from bot.core.events import on_registered
from bot.core.i18n import N_, Translator
from bot.core.menu_buttons import register_menu_button
from bot.core.records import Community
from bot.core.render import esc
from bot.core.replies import command_text, is_private, reply, split_args, usage
from bot.core.roles import ALL_ROLES, Action
from bot.meetings import jobs as meeting_jobs
from bot.meetings import minutes as minutes_walk
from bot.meetings import rules, views

PLACE_LIMIT = 50
SET_USAGE = "/setmeeting 15 19:30 民情茶角"


def parse_time(text: str) -> time | None:
    hour, _, minute = text.partition(":")
    if not (hour.isdecimal() and minute.isdecimal() and len(minute) == 2):
        return None
    if int(hour) > 23 or int(minute) > 59:
        return None
    return time(int(hour), int(minute))


async def setmeeting(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    found = await scope.require(
        update,
        context,
        split_args(command_text(message)),
        action=Action.SET_MEETING,
        how=SET_USAGE + " 西安村",
        nobody=t._("Only community officials set the meeting."),
        refusal=t._("Only community officials of {community} set its meeting."),
    )
    if found is None:
        return
    community = found.community
    words = " ".join(found.words).split(maxsplit=2)
    if len(words) < 3:
        current = await context.meetings.settings(community.id)
        await reply(update, usage(t, views.current_settings(t, current), SET_USAGE))
        return
    parsed = parse_settings(t, words)
    if isinstance(parsed, str):
        await reply(update, usage(t, parsed, SET_USAGE))
        return
    day, at, place = parsed
    upcoming = await context.meetings.set_settings(context.origin, community.id, day, at, place)
    await meeting_jobs.schedule_meeting(context.application, community.id)
    await reply(update, views.settings_saved(t, community.name, day, at, place, upcoming))


def parse_settings(t: Translator, words: list[str]) -> tuple[int, time, str] | str:
    """Day, time and place, or what is wrong with them."""
    day_text, time_text, place = words[0], words[1], words[2].strip()
    at = parse_time(time_text)
    if not day_text.isdecimal() or not rules.DAY_MIN <= int(day_text) <= rules.DAY_MAX:
        return t._("The day is 1 to 31 (a day a month lacks means its last day).")
    if at is None:
        return t._("Write the time as HH:MM, e.g. 19:30.")
    if not 1 <= len(place) <= PLACE_LIMIT:
        return t._("The place is 1 to {limit} characters.").format(limit=PLACE_LIMIT)
    return int(day_text), at, place


async def meeting(update: Update, context: CustomContext) -> None:
    """The next meeting of the group's community; in private, of the communities where one holds
    a role (else of every community), at most five."""
    t = context.t
    chat_id, user_id = ids(update)
    grid = None if is_private(update) else context.registry.chat_grid(chat_id)
    here = context.registry.community(grid.community_id) if grid else None
    communities = (
        [here]
        if here is not None
        else context.registry.communities_of(user_id, ALL_ROLES) or context.registry.communities()
    )
    if not communities:
        await reply(update, t._("No grid group is registered yet."))
        return
    for community in communities[:5]:
        upcoming = await context.meetings.upcoming(community.id)
        text = views.next_meeting(
            t,
            community.name,
            upcoming.start,
            upcoming.place,
            upcoming.agenda,
            context.people.grid_name,
            upcoming.now,
        )
        visits = await context.visits.upcoming(community.id)
        if visits:  # SPEC: the coming visits, after the monthly meeting
            text += "\n\n" + views.coming_visits(t, visits, community.name)
        await reply(update, text)


async def remind(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    word = command_text(message).strip().lower()
    choice = {"on": True, "开": True, "开启": True, "off": False, "关": False, "关闭": False}.get(
        word
    )
    if choice is None:
        await reply(update, usage(t, t._("Say on or off."), "/remind on"))
        return
    grid = None if is_private(update) else context.registry.chat_grid(chat_id)
    community = context.registry.community(grid.community_id) if grid else None
    if community is None:
        communities = await remind_communities(context, user_id)
        if len(communities) != 1:
            buttons = [
                keyboards.button(c.name, REMIND, int(choice), c.id) for c in communities[:30]
            ]
            await reply(update, t._("For which community's meeting?"), keyboards.rows(buttons, 2))
            return
        community = communities[0]
    await set_reminder(update, context, community, choice)


async def remind_communities(context: CustomContext, user_id: int) -> list[Community]:
    """Whose meeting a /remind in private (or an unregistered group) is about: the communities in
    whose groups the user is (SPEC: asked only when several), else those where they hold a role,
    else every community (someone in no group may still follow a meeting: it is public)."""
    registry = context.registry
    return (
        await registry.member_communities(context.bot, user_id)
        or registry.communities_of(user_id, ALL_ROLES)
        or registry.communities()
    )


REMIND = "rmd"  # rmd:<1|0>:<community>


async def set_reminder(
    update: Update, context: CustomContext, community: Community, on: bool
) -> None:
    _, user_id = ids(update)
    t = context.t
    await context.meetings.set_subscription(context.origin, community.id, on)
    text = (
        t._("✅ You will get the reminder of {community}'s monthly meeting, on the meeting day.")
        if on
        else t._("✅ No more reminders of {community}'s monthly meeting.")
    ).format(community=esc(community.name))
    if on and not context.people.reachable(user_id):
        text += "\n" + t._("Start a private chat with me, so that I can send it to you.")
    await reply(update, text)


async def on_remind_button(update: Update, context: CustomContext) -> None:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    on, community_id = (data.number(0), data.number(1)) if data else (None, None)
    community = context.registry.community(community_id) if community_id is not None else None
    if on not in (0, 1) or community is None:
        await query.answer(context.ut._("This button is no longer valid."))
        return
    await query.answer()
    await set_reminder(update, context, community, bool(on))


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "meeting", N_("/meeting"), N_("the next residents' meeting and its agenda"), meeting
    ),
    CommandSpec(
        "remind", N_("/remind on|off"), N_("the meeting reminder, on the meeting day"), remind
    ),
    CommandSpec(
        "setmeeting",
        N_("/setmeeting <day> <HH:MM> <place>"),
        N_("when and where the monthly meeting is"),
        setmeeting,
        action=Action.SET_MEETING,
        menu=False,
    ),
    CommandSpec(
        "minutes",
        N_("/minutes"),
        N_("decide the last meeting's agenda, item by item (private)"),
        minutes_walk.minutes,
        where=PRIVATE,
        action=Action.MINUTES,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(CallbackQueryHandler(on_remind_button, pattern=keyboards.pattern(REMIND)))
    register_menu_button(app, "meeting", meeting)
    on_registered(app, meeting_jobs.schedule_meeting)
    minutes_walk.register(app)
