"""Activities for everyone: /activities, the sign-up buttons, /cancel — and the feature's
commands and buttons registered in one place (the organizers' are in organize.py, the guided
/newactivity in dialog.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.activities import organize, views
from bot.activities.service import ActivityMissing, SignedUp, SignupCancelled
from bot.context import CustomContext
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_
from bot.core.menu_buttons import register_menu_button
from bot.core.render import truncate
from bot.core.replies import reply
from bot.core.roles import Action


async def on_button(update: Update, context: CustomContext) -> None:
    """act:join:<id>:<party> | act:leave:<id> | a draft's buttons (organize.py)."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    action = data.text(0) if data else None
    number = data.number(1) if data else None
    if data is None or number is None:
        await query.answer(context.ut._("This button is no longer valid."))
        return
    match action:
        case "join":
            party = data.number(2)
            await sign_up(update, context, number, party if party is not None else 0)
        case "leave":
            await cancel_signup(update, context, number)
        case "publish" | "grids" | "grid" | "discard":
            await organize.on_draft_button(update, context, action, number, data.number(2))
        case _:
            await query.answer(context.ut._("This button is no longer valid."))


async def sign_up(update: Update, context: CustomContext, activity_id: int, party: int) -> None:
    """A press of "Sign up ×N": one use case, one transaction; the answer is a popup."""
    query = update.callback_query
    assert query is not None
    ut = context.ut
    match await context.activities.sign_up(context.origin, activity_id, party):
        case SignedUp(activity, signup, event):
            text, alert = views.signup_answer(ut, activity, signup, event), False
        case ActivityMissing():
            text, alert = views.missing(ut, activity_id), False
        case refused:
            text, alert = views.refusal(ut, refused), True
    await query.answer(truncate(text, 200), show_alert=alert)


async def cancel_signup(update: Update, context: CustomContext, activity_id: int) -> None:
    """The "Cancel" button (a popup) or /cancel N (a reply)."""
    query = update.callback_query
    t = context.ut if query is not None else context.t
    match await context.activities.cancel_signup(context.origin, activity_id):
        case SignupCancelled():
            text = t._("Your sign-up for #{id} is cancelled.").format(id=activity_id)
        case ActivityMissing():
            text = views.missing(t, activity_id)
        case refused:
            text = views.refusal(t, refused)
    if query is not None:
        await query.answer(truncate(text, 200))
    else:
        await reply(update, text)


async def cancel_command(update: Update, context: CustomContext) -> None:
    asked = await organize.activity_number(update, context, "/cancel 3")
    if asked is not None:
        await cancel_signup(update, context, asked[0])


async def list_activities(update: Update, context: CustomContext) -> None:
    """What is coming up (in a group: for its grid), each card with its sign-up buttons.

    Also the answer to the private menu's "Activities" button."""
    t = context.t
    upcoming = await context.activities.upcoming(context.origin)
    if not upcoming:
        await reply(update, t._("No activities coming up."))
        return
    for activity in upcoming:
        await reply(update, views.card(t, activity), views.buttons(t, activity))


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
        organize.new_activity,
        action=Action.ORGANIZE,
        menu=False,
    ),
    CommandSpec(
        "roster",
        N_("/roster <N>"),
        N_("who signed up (text and CSV, privately)"),
        organize.roster,
        action=Action.ORGANIZE,
        menu=False,
    ),
    CommandSpec(
        "cancelactivity",
        N_("/cancelactivity <N> [reason]"),
        N_("cancel an activity; everyone signed up is told"),
        organize.cancel_activity,
        action=Action.ORGANIZE,
        menu=False,
    ),
    CommandSpec(
        "announce",
        N_("/announce <text>"),
        N_("send a notice to every group of the community"),
        organize.announce,
        action=Action.ORGANIZE,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    register_menu_button(app, "activities", list_activities)
    app.add_handler(CallbackQueryHandler(on_button, pattern=keyboards.pattern(views.ACTIVITY)))
