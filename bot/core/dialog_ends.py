"""How every guided dialog ends without finishing: "Cancel" (its button or a bare /cancel in
private) drops the draft and says nothing was done; a timeout drops the draft silently. One
definition for the report, activity, visit and objection dialogs, which differ only in where
their draft is kept, what their cancel button's data is, and how they say it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler
from telegram.ext import filters as f

from bot.context import CustomContext
from bot.core.replies import reply

Step = Callable[[Update, CustomContext], Coroutine[Any, Any, int]]
Timeout = Callable[[Update, CustomContext], Coroutine[Any, Any, None]]
BARE_CANCEL = f.ChatType.PRIVATE & f.Regex(r"^/cancel(@\w+)?\s*$")


def endings(draft_key: str, cancelled: str) -> tuple[Step, Timeout]:
    """(on_cancel, on_timeout) for a dialog whose draft is user_data[draft_key]; `cancelled`
    is the msgid said on cancel (marked with N_ where it is written, for extraction)."""

    async def on_cancel(update: Update, context: CustomContext) -> int:
        if update.callback_query is not None:
            await update.callback_query.answer()
        if context.user_data is not None:
            context.user_data.pop(draft_key, None)
        await reply(update, context.t._(cancelled))
        return ConversationHandler.END

    async def on_timeout(update: Update, context: CustomContext) -> None:
        if context.user_data is not None:
            context.user_data.pop(draft_key, None)

    return on_cancel, on_timeout


def cancel_handlers(
    on_cancel: Step, button_pattern: str
) -> list[BaseHandler[Update, CustomContext, object]]:
    """The dialog's cancel button and a bare /cancel in private, for its fallbacks."""
    return [
        CallbackQueryHandler(on_cancel, pattern=button_pattern),
        CommandHandler("cancel", on_cancel, filters=BARE_CANCEL),
    ]
