"""The objection, written in private: the card's "Object" button is a link to the bot
(t.me/<bot>?start=object_<id>), which opens this dialog in the resident's private chat — one
question (the text), then the confirmation. A URL button rather than a callback: a callback's
popup can only tell the resident to go and find the bot, and a resident who never started the
bot could not be written to at all; the link opens the chat and starts the bot in one tap.

Persisted like the other dialogs (bot/core/dialogs.py): the notice being objected to survives a
restart, and the dialog ends after 30 minutes without an answer.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import CustomContext
from bot.core.dialog_ends import cancel_handlers, endings
from bot.core.dialog_steps import guided_dialog
from bot.core.i18n import N_
from bot.core.replies import reply
from bot.notices import rules, views
from bot.notices.service import NoticeClosed, NoticeMissing, ObjectionTaken, Opening

TEXT = 0
DRAFT = "objection"  # user_data: the notice being objected to


async def on_deep_link(update: Update, context: CustomContext) -> int:
    """/start object_<id>: the notice's window is checked before anything is asked."""
    payload = context.args[0] if context.args else ""
    notice_id = int(payload.removeprefix(views.DEEP_LINK))
    t = context.t
    match await context.notices.opening(notice_id, context.origin.user_id):
        case Opening(notice, mine):
            assert context.user_data is not None
            context.user_data[DRAFT] = notice.id
            await reply(update, views.prompt(t, notice, mine), views.cancel_markup(t))
            return TEXT
        case NoticeClosed(notice):
            await reply(update, views.closed(t, notice))
        case NoticeMissing():
            await reply(update, views.missing(t, notice_id))
    return ConversationHandler.END


async def on_text(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    assert message is not None and context.user_data is not None
    t = context.t
    text = (message.text or "").strip()
    notice_id = context.user_data.get(DRAFT)
    if not isinstance(notice_id, int):  # the draft was lost: say how to begin again
        await reply(
            update, t._("Press the notice's Object button again, then write your objection.")
        )
        return ConversationHandler.END
    if len(text) > rules.TEXT_LIMIT:
        problem = t._(
            "That is {n} characters; an objection is at most {limit}. Shorten it and send it again."
        )
        await reply(
            update,
            problem.format(n=t.number(len(text)), limit=t.number(rules.TEXT_LIMIT)),
            views.cancel_markup(t),
        )
        return TEXT
    match await context.notices.object_to(context.origin, notice_id, text):
        case ObjectionTaken(notice, replaced):
            await reply(update, views.taken(t, notice, replaced))
        case NoticeClosed(notice):
            await reply(update, views.closed(t, notice))
        case NoticeMissing():
            await reply(update, views.missing(t, notice_id))
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


async def on_not_text(update: Update, context: CustomContext) -> int:
    """A photo, voice note or sticker: the objection is written (the officials read it)."""
    t = context.t
    problem = t._("Please write your objection as text, at most {limit} characters.")
    await reply(update, problem.format(limit=t.number(rules.TEXT_LIMIT)), views.cancel_markup(t))
    return TEXT


on_cancel, on_timeout = endings(DRAFT, N_("Cancelled; no objection was sent."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before /start's menu: the deep link opens the dialog instead of the menu."""
    private = filters.ChatType.PRIVATE
    deep_link = filters.Regex(rf"^/start {views.DEEP_LINK}\d{{1,9}}\s*$")
    conversation = guided_dialog(
        "objection",
        [CommandHandler("start", on_deep_link, filters=private & deep_link)],
        {
            TEXT: [
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text),
                MessageHandler(private & ~filters.TEXT & ~filters.COMMAND, on_not_text),
            ],
        },
        cancel=cancel_handlers(on_cancel, rf"^{views.DIALOG}:cancel$"),
        on_timeout=on_timeout,
    )
    app.add_handler(conversation)
