"""The monthly residents' meeting (民情茶角): /setmeeting, /meeting, /remind, and /minutes, which
walks the last meeting's agenda one item at a time."""

from __future__ import annotations

from datetime import time

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import PRIVATE, CommandSpec, register_commands
from bot.core.db import utcnow
from bot.core.events import on_registered
from bot.core.i18n import N_
from bot.core.menu_buttons import register_menu_button
from bot.core.records import Community
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, usage
from bot.core.roles import Action, Role
from bot.issues import moderation
from bot.issues import views as issue_views
from bot.issues.rules.states import Command
from bot.meetings import jobs as meeting_jobs
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


def official_communities(context: CustomContext, user_id: int) -> list[Community]:
    if user_id in context.settings.admins:
        return context.registry.communities()
    return context.registry.communities_of(user_id, [Role.COMMUNITY.value])


def here(context: CustomContext, chat_id: int) -> Community | None:
    grid = context.registry.chat_grid(chat_id)
    return context.registry.community(grid.community_id) if grid else None


async def setmeeting(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    community = here(context, chat_id) if not is_private(update) else None
    if community is None:
        mine = official_communities(context, user_id)
        if len(mine) != 1:
            await reply(
                update, usage(t, t._("Send it in a group of the community it is for."), SET_USAGE)
            )
            return
        community = mine[0]
    if not context.actor(user_id, community.id).holds(Role.COMMUNITY):
        await reply(
            update,
            denied(
                t,
                t._("Only community officials of {community} set its meeting.").format(
                    community=esc(community.name)
                ),
            ),
        )
        return
    words = command_text(message).split(maxsplit=2)
    if len(words) < 3:
        current = await context.meetings.settings(community.id)
        now_text = t._(
            "Now: on day {day} of every month at {time}, {place}. Give the day, the time and the place."
        ).format(day=current.day, time=current.at.strftime("%H:%M"), place=esc(current.place))
        await reply(update, usage(t, now_text, SET_USAGE))
        return
    day_text, time_text, place = words[0], words[1], words[2].strip()
    at = parse_time(time_text)
    problem: str | None = None
    if not day_text.isdecimal() or not rules.DAY_MIN <= int(day_text) <= rules.DAY_MAX:
        problem = t._("The day is 1 to 31 (a day a month lacks means its last day).")
    elif at is None:
        problem = t._("Write the time as HH:MM, e.g. 19:30.")
    elif not 1 <= len(place) <= PLACE_LIMIT:
        problem = t._("The place is 1 to {limit} characters.").format(limit=PLACE_LIMIT)
    if problem is not None or at is None:
        await reply(update, usage(t, problem or "", SET_USAGE))
        return
    day = int(day_text)
    await context.meetings.set_settings(community.id, day, at, place, update_id=context.update_id)
    await meeting_jobs.schedule_meeting(context.application, community.id)
    upcoming = rules.next_meeting(utcnow(), day, at, context.settings.tz)
    await reply(
        update,
        t._(
            "✅ {community}: the residents' meeting is on day {day} of every month at {time}, {place}. "
            "Next: {next}."
        ).format(
            community=esc(community.name),
            day=day,
            time=at.strftime("%H:%M"),
            place=esc(place),
            next=esc(t.when(upcoming)),
        ),
    )


async def meeting(update: Update, context: CustomContext) -> None:
    t = context.t
    chat_id, user_id = ids(update)
    community = here(context, chat_id) if not is_private(update) else None
    if community is not None:
        communities = [community]
    else:
        communities = context.registry.communities_of(user_id, [r.value for r in Role]) or (
            context.registry.communities()
        )
    if not communities:
        await reply(update, t._("No grid group is registered yet."))
        return
    now = utcnow()
    for community in communities[:5]:
        settings = await context.meetings.settings(community.id)
        start = rules.next_meeting(now, settings.day, settings.at, context.settings.tz)
        agenda = await context.meetings.agenda(community.id)
        await reply(
            update,
            views.next_meeting(
                t, community.name, start, settings.place, agenda, context.notifier.grid_name, now
            ),
        )


async def remind(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, _ = ids(update)
    word = command_text(message).strip().lower()
    choice = {"on": True, "开": True, "开启": True, "off": False, "关": False, "关闭": False}.get(
        word
    )
    if choice is None:
        await reply(update, usage(t, t._("Say on or off."), "/remind on"))
        return
    community = here(context, chat_id) if not is_private(update) else None
    if community is None:
        communities = context.registry.communities()
        if len(communities) != 1:
            buttons = [
                keyboards.button(c.name, REMIND, int(choice), c.id) for c in communities[:30]
            ]
            await reply(update, t._("For which community's meeting?"), keyboards.rows(buttons, 2))
            return
        community = communities[0]
    await set_reminder(update, context, community, choice)


REMIND = "rmd"  # rmd:<1|0>:<community>


async def set_reminder(
    update: Update, context: CustomContext, community: Community, on: bool
) -> None:
    _, user_id = ids(update)
    t = context.t
    await context.meetings.set_subscription(user_id, community.id, on, update_id=context.update_id)
    text = (
        t._("✅ You will get the reminder of {community}'s monthly meeting, on the meeting day.")
        if on
        else t._("✅ No more reminders of {community}'s monthly meeting.")
    ).format(community=esc(community.name))
    if on and not context.notifier.reachable(user_id):
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


# -- minutes -----------------------------------------------------------------------------------


async def minutes(update: Update, context: CustomContext) -> None:
    t = context.t
    _, user_id = ids(update)
    if not is_private(update):
        await reply(update, usage(t, t._("This works in private chat with me."), "/minutes"))
        return
    communities = official_communities(context, user_id)
    if not communities:
        await reply(update, denied(t, t._("Only community officials keep the minutes.")))
        return
    if len(communities) > 1:
        buttons = [
            keyboards.button(c.name, views.MINUTES, c.id, 0, "next") for c in communities[:30]
        ]
        await reply(
            update, t._("Minutes of which community's meeting?"), keyboards.rows(buttons, 2)
        )
        return
    await next_item(update, context, communities[0].id)


async def next_item(update: Update, context: CustomContext, community_id: int) -> None:
    """Show the first item of the last meeting's agenda that is not decided yet."""
    t = context.t
    settings = await context.meetings.settings(community_id)
    held = rules.last_meeting(utcnow(), settings.day, settings.at, context.settings.tz)
    month = rules.month_key(held)
    remaining = await context.meetings.agenda(community_id, undecided_in=month)
    if not remaining:
        await reply(update, views.minutes_done(t, held))
        return
    decided = await context.meetings.decided(community_id, month)
    issue = await context.issues.get(remaining[0].id)
    assert issue is not None
    card = issue_views.card(t, issue, context.notifier.name, public=False)
    text, markup = views.minutes_item(
        t, community_id, held, remaining[0], decided + 1, decided + len(remaining), card
    )
    await reply(update, text, markup)


async def on_minutes_button(update: Update, context: CustomContext) -> None:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    community_id = data.number(0) if data else None
    issue_id = data.number(1) if data else None
    action = data.text(2) if data else None
    ut = context.ut
    _, user_id = ids(update)
    if (
        community_id is None
        or issue_id is None
        or action not in ("next", "close", "keep", "reject")
    ):
        await query.answer(ut._("This button is no longer valid."))
        return
    if not context.actor(user_id, community_id).holds(Role.COMMUNITY):
        await query.answer(ut._("Only community officials keep the minutes."), show_alert=True)
        return
    await query.answer()
    if action == "next":
        await next_item(update, context, community_id)
        return
    issue = await context.issues.get(issue_id)
    if issue is None or issue.community_id != community_id:
        await reply(update, ut._("There is no issue #{id}.").format(id=issue_id))
        return
    if query.message is not None:
        await query.edit_message_reply_markup(None)
    if action == "keep":
        note = context.t._("Meeting decision: kept for next month's meeting.")
        refusal = await moderation.change(update, context, Command.NOTE, issue_id, note=note)
        if refusal is None:
            await record(update, context, community_id, issue_id, "keep")
        else:
            await reply(update, refusal.text)
        await next_item(update, context, community_id)
        return
    which = Command.CLOSE if action == "close" else Command.REJECT
    await moderation.ask_for_text(update, context, which, issue_id, kind=f"minutes_{action}")


async def record(
    update: Update, context: CustomContext, community_id: int, issue_id: int, decision: str
) -> None:
    _, user_id = ids(update)
    settings = await context.meetings.settings(community_id)
    held = rules.last_meeting(utcnow(), settings.day, settings.at, context.settings.tz)
    await context.meetings.decide(
        community_id, rules.month_key(held), issue_id, decision, user_id, utcnow()
    )


async def after_minutes_answer(
    update: Update, context: CustomContext, kind: str, issue_id: int
) -> None:
    """The solution or reason the meeting agreed was applied: record it, show the next item."""
    issue = await context.issues.get(issue_id)
    if issue is None:
        return
    await record(update, context, issue.community_id, issue_id, kind.removeprefix("minutes_"))
    await next_item(update, context, issue.community_id)


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
        minutes,
        where=PRIVATE,
        action=Action.MINUTES,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(
        CallbackQueryHandler(on_minutes_button, pattern=keyboards.pattern(views.MINUTES))
    )
    app.add_handler(CallbackQueryHandler(on_remind_button, pattern=keyboards.pattern(REMIND)))
    register_menu_button(app, "meeting", meeting)
    on_registered(app, meeting_jobs.schedule_meeting)
    moderation.AFTER_PROMPT["minutes_close"] = after_minutes_answer
    moderation.AFTER_PROMPT["minutes_reject"] = after_minutes_answer
