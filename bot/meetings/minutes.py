"""/minutes: walk a meeting's agenda one item at a time — close with the agreed solution, keep
for next month, or reject — each decision an ordinary change of the issue (its group, reporter
and followers hear of it), recorded so that it is not asked again.

One walk, two kinds of meeting: the last monthly meeting (民情茶角) and a visit (接访进小区, or
an urgent meeting) that has started. Which one a button is about travels in its data
(`min:<community>:<issue>:<action>[:<visit>]`); when both kinds qualify, the official is asked.
"""

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
from bot.visits.service import Visit, VisitItem

ACTIONS = ("next", "close", "keep", "reject")
PENDING = "minutes_visits"  # user_data: issue id → the visit whose prompt was asked


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
    visits = await context.visits.started([c.id for c in mine])
    if visits:  # SPEC: a monthly meeting and a visit both qualify: ask which
        buttons = [keyboards.button(views.monthly_label(t, c.name), views.MINUTES, c.id, 0, "next")
                   for c in mine[:20]]  # fmt: skip
        buttons += [
            keyboards.button(
                views.visit_label(t, v), views.MINUTES, v.community_id, 0, "next", v.id
            )
            for v in visits[:20]
        ]
        await reply(update, t._("Minutes of which meeting?"), keyboards.rows(buttons, 1))
        return
    if len(mine) > 1:
        buttons = [keyboards.button(c.name, views.MINUTES, c.id, 0, "next") for c in mine[:30]]
        await reply(
            update, t._("Minutes of which community's meeting?"), keyboards.rows(buttons, 2)
        )
        return
    await next_item(update, context, mine[0].id)


async def next_item(
    update: Update, context: CustomContext, community_id: int, visit_id: int | None = None
) -> None:
    """Show the first item of the meeting's agenda that is not decided yet."""
    t = context.t
    if visit_id is not None:
        await next_visit_item(update, context, visit_id)
        return
    match await context.meetings.next_item(community_id):
        case MinutesDone(held=held):
            await reply(update, views.minutes_done(t, held))
        case MinutesItem() as found:
            text, markup = views.minutes_item(
                t,
                views.Walk(community_id, views.monthly_heading(t, found.held)),
                found.item,
                found.position,
                found.total,
                found.issue,
                context.issues.name,
            )
            await reply(update, text, markup)


async def next_visit_item(update: Update, context: CustomContext, visit_id: int) -> None:
    t = context.t
    match await context.visits.next_item(visit_id):
        case VisitItem() as found:
            walk = views.Walk(
                found.visit.community_id, views.visit_heading(t, found.visit), visit_id
            )
            text, markup = views.minutes_item(
                t,
                walk,
                found.item,
                found.position,
                found.total,
                found.issue,
                context.issues.name,
            )
            await reply(update, text, markup)
        case Visit() as visit:
            await reply(update, views.visit_done(t, visit))
        case None:
            await reply(update, t._("This button is no longer valid."))


async def on_minutes_button(update: Update, context: CustomContext) -> None:
    """min:<community>:<issue>:close|keep|reject[:<visit>], or min:<community>:0:next[:<visit>]."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    community_id = data.number(0) if data else None
    issue_id = data.number(1) if data else None
    action = data.text(2) if data else None
    visit_id = data.number(3) if data and data.text(3) is not None else None
    ut = context.ut
    if community_id is None or issue_id is None or action not in ACTIONS:
        await query.answer(ut._("This button is no longer valid."))
        return
    if not context.actor(context.origin.user_id, community_id).may(Action.MINUTES):
        await query.answer(ut._("Only community officials keep the minutes."), show_alert=True)
        return
    visit = await context.visits.get(visit_id) if visit_id is not None else None
    if visit_id is not None and (visit is None or visit.community_id != community_id):
        await query.answer(ut._("This button is no longer valid."))
        return
    await query.answer()
    if action == "next":
        await next_item(update, context, community_id, visit_id)
        return
    issue = await context.issues.get(issue_id)
    if issue is None or issue.community_id != community_id:
        await reply(update, ut._("There is no issue #{id}.").format(id=issue_id))
        return
    if query.message is not None:
        await query.edit_message_reply_markup(None)
    if action == "keep":
        await keep(update, context, community_id, issue_id, visit_id)
        return
    await ask(update, context, issue_id, visit_id, close=action == "close")


async def keep(
    update: Update, context: CustomContext, community_id: int, issue_id: int, visit_id: int | None
) -> None:
    """ "Keep for next month": posted as a progress note, recorded as decided."""
    note = context.t._("Meeting decision: kept for next month's meeting.")
    if visit_id is None:
        result = await context.meetings.keep(context.origin, community_id, issue_id, note)
    else:
        result = await context.issues.add_note(context.origin, issue_id, note)
        await context.visits.record(context.origin, visit_id, issue_id, "keep")
    await reply(update, views.kept(context.t, result, context.issues.name))
    await next_item(update, context, community_id, visit_id)


async def ask(
    update: Update, context: CustomContext, issue_id: int, visit_id: int | None, *, close: bool
) -> None:
    """Ask for the agreed solution or the reason, as a reply the issues feature applies."""
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    text, markup = views.minutes_prompt(context.t, close, issue_id, user.id, user.first_name)
    sent = await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    pending = context.user_data.setdefault(PENDING, {}) if context.user_data is not None else {}
    pending.pop(issue_id, None)
    if visit_id is not None:  # remembered with the dialogs' drafts, across a restart
        pending[issue_id] = visit_id
    kind = "minutes_close" if close else "minutes_reject"
    await context.issues.ask(context.origin, sent.message_id, kind, issue_id)


def after_answer(decision: str) -> PromptAnswered:
    """Once the solution or reason the meeting agreed was applied: record it, show the next."""

    async def recorded(update: Update, context: CustomContext, issue_id: int) -> None:
        issue = await context.issues.get(issue_id)
        if issue is None:
            return
        pending = (context.user_data or {}).get(PENDING, {})
        visit_id = pending.pop(issue_id, None)
        if visit_id is not None:
            await context.visits.record(context.origin, visit_id, issue_id, decision)
        else:
            await context.meetings.record(context.origin, issue.community_id, issue_id, decision)
        await next_item(update, context, issue.community_id, visit_id)

    return recorded


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(
        CallbackQueryHandler(on_minutes_button, pattern=keyboards.pattern(views.MINUTES))
    )
    on_prompt_answered(app, "minutes_close", after_answer("close"))
    on_prompt_answered(app, "minutes_reject", after_answer("reject"))
