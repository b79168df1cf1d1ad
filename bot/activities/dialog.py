"""/newactivity in private with no arguments: a guided form, one question at a time —
community (when several), title, time, place, capacity, largest party, description, deadline —
ending in the same preview with "Publish" as the one-line form."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.activities import forms
from bot.activities.forms import FormProblem
from bot.activities.organize import make_draft
from bot.activities.service import ActivityDetails
from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.dialog_ends import cancel_handlers, endings
from bot.core.dialog_steps import community_step, guided_dialog
from bot.core.i18n import N_
from bot.core.render import esc
from bot.core.replies import denied, reply
from bot.core.roles import Action, roles_for
from bot.core.scope import candidates

PREFIX = "na"
COMMUNITY, TITLE, WHEN, PLACE, CAPACITY, PARTY, DESCRIPTION, DEADLINE = range(8)
FORM = "activity_form"


def _form(context: CustomContext) -> dict[str, Any]:
    assert context.user_data is not None
    form: dict[str, Any] = context.user_data.setdefault(FORM, {})
    return form


def _cancel(context: CustomContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[keyboards.button(context.t.p_("button", "✖ Cancel"), PREFIX, "cancel")]]
    )


async def begin(update: Update, context: CustomContext) -> int:
    _, user_id = ids(update)
    t = context.t
    communities = candidates(
        context.registry, user_id, context.settings.admins, roles_for(Action.ORGANIZE)
    )
    if not communities:
        await reply(
            update, denied(t, t._("Only organizers and community officials create activities."))
        )
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[FORM] = {}
    if len(communities) == 1:
        _form(context)["community_id"] = communities[0].id
        return await ask_title(update, context)
    buttons = [keyboards.button(c.name, PREFIX, "c", c.id) for c in communities[:30]]
    await reply(
        update, t._("🎪 <b>New activity</b>\nFor which community?"), keyboards.rows(buttons, 2)
    )
    return COMMUNITY


async def ask_title(update: Update, context: CustomContext) -> int:
    await reply(update, context.t._("🎪 <b>New activity</b>\nWhat is it called?"), _cancel(context))
    return TITLE


on_community = community_step(FORM, Action.ORGANIZE, COMMUNITY, ask_title)


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "").strip() if message else ""


async def on_title(update: Update, context: CustomContext) -> int:
    t = context.t
    try:
        _form(context)["title"] = forms.title(t, _text(update))
    except FormProblem as problem:
        await reply(update, problem.text)
        return TITLE
    await reply(
        update,
        t._("When? Write YYYY-MM-DD HH:MM, or with the end: 2026-12-05 09:00-11:30."),
        _cancel(context),
    )
    return WHEN


async def on_when(update: Update, context: CustomContext) -> int:
    t = context.t
    try:
        start, end = forms.span(t, _text(update), context.settings.tz)
    except FormProblem as problem:
        await reply(update, problem.text)
        return WHEN
    _form(context).update(starts_at=start, ends_at=end)
    await reply(update, t._("Where?"), _cancel(context))
    return PLACE


async def on_place(update: Update, context: CustomContext) -> int:
    t = context.t
    try:
        _form(context)["place"] = forms.place(t, _text(update))
    except FormProblem as problem:
        await reply(update, problem.text)
        return PLACE
    await reply(update, t._("How many people can take part?"), _cancel(context))
    return CAPACITY


async def on_capacity(update: Update, context: CustomContext) -> int:
    t = context.t
    try:
        _form(context)["capacity"] = forms.capacity(t, _text(update))
    except FormProblem as problem:
        await reply(update, problem.text)
        return CAPACITY
    buttons = [keyboards.button(str(n), PREFIX, "party", n) for n in range(1, 6)]
    await reply(
        update,
        t._(
            "How many people may one sign-up bring (a parent-child event: 2 or 3)? Tap or type 1–10."
        ),
        InlineKeyboardMarkup([buttons, *_cancel(context).inline_keyboard]),
    )
    return PARTY


async def on_party(update: Update, context: CustomContext) -> int:
    t = context.t
    query = update.callback_query
    if query is not None:
        data = keyboards.decode(query.data)
        await query.answer()
        typed = str(data.number(1) if data else "")
    else:
        typed = _text(update)
    try:
        _form(context)["max_party"] = forms.party(t, typed)
    except FormProblem as problem:
        await reply(update, problem.text)
        return PARTY
    await reply(
        update,
        t._("A few words about it? Or skip."),
        InlineKeyboardMarkup(
            [
                [keyboards.button(t.p_("button", "Skip ›"), PREFIX, "skip")],
                *_cancel(context).inline_keyboard,
            ]
        ),
    )
    return DESCRIPTION


async def on_description(update: Update, context: CustomContext) -> int:
    t = context.t
    if update.callback_query is not None:
        await update.callback_query.answer()
    else:
        try:
            _form(context)["description"] = forms.description(t, _text(update))
        except FormProblem as problem:
            await reply(update, problem.text)
            return DESCRIPTION
    start = _form(context)["starts_at"]
    await reply(
        update,
        t._(
            "Sign-ups close at the start ({time}), or write another time: YYYY-MM-DD HH:MM."
        ).format(time=esc(t.when(start))),
        InlineKeyboardMarkup(
            [
                [keyboards.button(t.p_("button", "At the start ›"), PREFIX, "skip")],
                *_cancel(context).inline_keyboard,
            ]
        ),
    )
    return DEADLINE


async def on_deadline(update: Update, context: CustomContext) -> int:
    t = context.t
    form = _form(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    else:
        try:
            form["deadline"] = forms.deadline(
                t, _text(update), context.settings.tz, form["starts_at"]
            )
        except FormProblem as problem:
            await reply(update, problem.text)
            return DEADLINE
    community_id = form.pop("community_id")
    assert context.user_data is not None
    context.user_data.pop(FORM, None)
    await make_draft(update, context, community_id, ActivityDetails(**form))
    return ConversationHandler.END


on_cancel, on_timeout = endings(FORM, N_("Cancelled; nothing was created."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    skip = rf"^{PREFIX}:skip$"
    entry = filters.Regex(r"^/newactivity(@\w+)?\s*$")
    conversation = guided_dialog(
        "newactivity",
        [CommandHandler("newactivity", begin, filters=private & entry)],
        {
            COMMUNITY: [CallbackQueryHandler(on_community, pattern=rf"^{PREFIX}:c:")],
            TITLE: [MessageHandler(text, on_title)],
            WHEN: [MessageHandler(text, on_when)],
            PLACE: [MessageHandler(text, on_place)],
            CAPACITY: [MessageHandler(text, on_capacity)],
            PARTY: [
                CallbackQueryHandler(on_party, pattern=rf"^{PREFIX}:party:"),
                MessageHandler(text, on_party),
            ],
            DESCRIPTION: [
                CallbackQueryHandler(on_description, pattern=skip),
                MessageHandler(text, on_description),
            ],
            DEADLINE: [
                CallbackQueryHandler(on_deadline, pattern=skip),
                MessageHandler(text, on_deadline),
            ],
        },
        cancel=cancel_handlers(on_cancel, rf"^{PREFIX}:cancel$"),
        on_timeout=on_timeout,
    )
    app.add_handler(conversation)
