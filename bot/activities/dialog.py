"""/newactivity in private with no arguments: a guided form, one question at a time —
community (when several), title, time, place, capacity, largest party, description, deadline —
ending in the same preview with "Publish" as the one-line form."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.activities.handlers import (
    TEXT_LIMIT,
    capacity_of,
    make_draft,
    organizer_communities,
    party_of,
    place_problem,
    span_of,
    title_problem,
)
from bot.activities.rules.times import Span, parse_moment
from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.db import utcnow
from bot.core.render import esc
from bot.core.replies import denied, reply

PREFIX = "na"
COMMUNITY, TITLE, WHEN, PLACE, CAPACITY, PARTY, DESCRIPTION, DEADLINE = range(8)
FORM = "activity_form"
TIMEOUT_SECONDS = 30 * 60


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
    communities = organizer_communities(context, user_id)
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


async def on_community(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    community_id = data.number(1) if data else None
    _, user_id = ids(update)
    allowed = {c.id for c in organizer_communities(context, user_id)}
    if community_id not in allowed:
        await query.answer(context.ut._("This button is no longer valid."))
        return COMMUNITY
    await query.answer()
    _form(context)["community_id"] = community_id
    return await ask_title(update, context)


async def ask_title(update: Update, context: CustomContext) -> int:
    await reply(update, context.t._("🎪 <b>New activity</b>\nWhat is it called?"), _cancel(context))
    return TITLE


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "").strip() if message else ""


async def on_title(update: Update, context: CustomContext) -> int:
    t = context.t
    title = _text(update)
    problem = title_problem(t, title)
    if problem is not None:
        await reply(update, problem)
        return TITLE
    _form(context)["title"] = title
    await reply(
        update,
        t._("When? Write YYYY-MM-DD HH:MM, or with the end: 2026-12-05 09:00-11:30."),
        _cancel(context),
    )
    return WHEN


async def on_when(update: Update, context: CustomContext) -> int:
    t = context.t
    span = span_of(t, _text(update), context)
    if isinstance(span, str):
        await reply(update, span)
        return WHEN
    assert isinstance(span, Span)
    _form(context).update(starts_at=span.start, ends_at=span.end)
    await reply(update, t._("Where?"), _cancel(context))
    return PLACE


async def on_place(update: Update, context: CustomContext) -> int:
    t = context.t
    place = _text(update)
    problem = place_problem(t, place)
    if problem is not None:
        await reply(update, problem)
        return PLACE
    _form(context)["place"] = place
    await reply(update, t._("How many people can take part?"), _cancel(context))
    return CAPACITY


async def on_capacity(update: Update, context: CustomContext) -> int:
    t = context.t
    capacity = capacity_of(t, _text(update))
    if isinstance(capacity, str):
        await reply(update, capacity)
        return CAPACITY
    _form(context)["capacity"] = capacity
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
        party: int | str = party_of(t, str(data.number(1) if data else ""))
    else:
        party = party_of(t, _text(update))
    if isinstance(party, str):
        await reply(update, party)
        return PARTY
    _form(context)["max_party"] = party
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
        text = _text(update)
        if len(text) > TEXT_LIMIT:
            await reply(
                update,
                t._("The description is at most {limit} characters.").format(limit=TEXT_LIMIT),
            )
            return DESCRIPTION
        _form(context)["description"] = text or None
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
        moment = parse_moment(_text(update), context.settings.tz)
        if isinstance(moment, str):
            await reply(update, t._("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-04 18:00."))
            return DEADLINE
        if not utcnow() < moment <= form["starts_at"]:
            await reply(update, t._("The deadline is between now and the start."))
            return DEADLINE
        form["deadline"] = moment
    community_id = form.pop("community_id")
    assert context.user_data is not None
    context.user_data.pop(FORM, None)
    await make_draft(update, context, community_id, form)
    return ConversationHandler.END


async def on_cancel(update: Update, context: CustomContext) -> int:
    if update.callback_query is not None:
        await update.callback_query.answer()
    if context.user_data is not None:
        context.user_data.pop(FORM, None)
    await reply(update, context.t._("Cancelled; nothing was created."))
    return ConversationHandler.END


async def on_timeout(update: Update, context: CustomContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(FORM, None)


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    cancel: list[BaseHandler[Update, CustomContext, object]] = [
        CallbackQueryHandler(on_cancel, pattern=rf"^{PREFIX}:cancel$"),
        CommandHandler(
            "cancel", on_cancel, filters=private & filters.Regex(r"^/cancel(@\w+)?\s*$")
        ),
    ]
    skip = rf"^{PREFIX}:skip$"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # per_message=False is meant
        conversation: ConversationHandler[CustomContext] = ConversationHandler(
            entry_points=[
                CommandHandler(
                    "newactivity",
                    begin,
                    filters=private & filters.Regex(r"^/newactivity(@\w+)?\s*$"),
                ),
            ],
            states={
                COMMUNITY: [*cancel, CallbackQueryHandler(on_community, pattern=rf"^{PREFIX}:c:")],
                TITLE: [*cancel, MessageHandler(text, on_title)],
                WHEN: [*cancel, MessageHandler(text, on_when)],
                PLACE: [*cancel, MessageHandler(text, on_place)],
                CAPACITY: [*cancel, MessageHandler(text, on_capacity)],
                PARTY: [
                    *cancel,
                    CallbackQueryHandler(on_party, pattern=rf"^{PREFIX}:party:"),
                    MessageHandler(text, on_party),
                ],
                DESCRIPTION: [
                    *cancel,
                    CallbackQueryHandler(on_description, pattern=skip),
                    MessageHandler(text, on_description),
                ],
                DEADLINE: [
                    *cancel,
                    CallbackQueryHandler(on_deadline, pattern=skip),
                    MessageHandler(text, on_deadline),
                ],
                ConversationHandler.TIMEOUT: [MessageHandler(filters.ALL, on_timeout)],
            },
            fallbacks=cancel,
            conversation_timeout=TIMEOUT_SECONDS,
            name="newactivity",
            allow_reentry=True,
        )
    app.add_handler(conversation)
