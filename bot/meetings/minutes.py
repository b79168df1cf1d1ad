"""/minutes: walk the last meeting's agenda one item at a time — close with the agreed solution,
keep for next month, or reject — each decision an ordinary change of the issue (its group,
reporter and followers hear of it), recorded so that it is not asked again."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.events import PromptAnswered, on_prompt_answered
from bot.core.replies import denied, is_private, reply, usage
from bot.core.roles import Action, roles_for
from bot.core.scope import candidates
from bot.meetings import views
from bot.meetings.service import MinutesDone, MinutesItem

ACTIONS = ("next", "close", "keep", "reject")


async def minutes(update: Update, context: CustomContext) -> None:
    t = context.t
    _, user_id = ids(update)
    if not is_private(update):
        await reply(update, usage(t, t._("This works in private chat with me."), "/minutes"))
        return
    mine = candidates(context.registry, user_id, context.settings.admins, roles_for(Action.MINUTES))
    if not mine:
        await reply(update, denied(t, t._("Only community officials keep the minutes.")))
        return
    if len(mine) > 1:
        buttons = [keyboards.button(c.name, views.MINUTES, c.id, 0, "next") for c in mine[:30]]
        await reply(
            update, t._("Minutes of which community's meeting?"), keyboards.rows(buttons, 2)
        )
        return
    await next_item(update, context, mine[0].id)


async def next_item(update: Update, context: CustomContext, community_id: int) -> None:
    """Show the first item of the last meeting's agenda that is not decided yet."""
    t = context.t
    match await context.meetings.next_item(community_id):
        case MinutesDone(held=held):
            await reply(update, views.minutes_done(t, held))
        case MinutesItem() as found:
            text, markup = views.minutes_item(
                t,
                community_id,
                found.held,
                found.item,
                found.position,
                found.total,
                found.issue,
                context.issues.name,
            )
            await reply(update, text, markup)


async def on_minutes_button(update: Update, context: CustomContext) -> None:
    """min:<community>:<issue>:close|keep|reject, or min:<community>:0:next."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    community_id = data.number(0) if data else None
    issue_id = data.number(1) if data else None
    action = data.text(2) if data else None
    ut = context.ut
    if community_id is None or issue_id is None or action not in ACTIONS:
        await query.answer(ut._("This button is no longer valid."))
        return
    if not context.actor(context.origin.user_id, community_id).may(Action.MINUTES):
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
        result = await context.meetings.keep(context.origin, community_id, issue_id, note)
        await reply(update, views.kept(context.t, result, context.issues.name))
        await next_item(update, context, community_id)
        return
    await ask(update, context, issue_id, close=action == "close")


async def ask(update: Update, context: CustomContext, issue_id: int, *, close: bool) -> None:
    """Ask for the agreed solution or the reason, as a reply the issues feature applies."""
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    text, markup = views.minutes_prompt(context.t, close, issue_id, user.id, user.first_name)
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    kind = "minutes_close" if close else "minutes_reject"
    await context.issues.ask(context.origin, sent.message_id, kind, issue_id)


def after_answer(decision: str) -> PromptAnswered:
    """Once the solution or reason the meeting agreed was applied: record it, show the next."""

    async def recorded(update: Update, context: CustomContext, issue_id: int) -> None:
        issue = await context.issues.get(issue_id)
        if issue is None:
            return
        await context.meetings.record(context.origin, issue.community_id, issue_id, decision)
        await next_item(update, context, issue.community_id)

    return recorded


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(
        CallbackQueryHandler(on_minutes_button, pattern=keyboards.pattern(views.MINUTES))
    )
    on_prompt_answered(app, "minutes_close", after_answer("close"))
    on_prompt_answered(app, "minutes_reject", after_answer("reject"))
