"""One error handler: log the failure, tell the user in their language, never a stack trace."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from bot.context import CustomContext
from bot.core.tracking import log_outcome

log = logging.getLogger(__name__)


async def on_error(update: object, context: CustomContext) -> None:
    error = context.error
    if isinstance(error, NetworkError | RetryAfter) and not isinstance(update, Update):
        log.warning("network trouble outside an update: %s", error)
        return
    log.error("failed to handle update", exc_info=error)
    context.bot_data.last_error = (time.time(), type(error).__name__)
    if not isinstance(update, Update):
        return
    log_outcome(update, context, f"error {type(error).__name__}")
    try:
        await context.db.mark_processed(update.update_id)
    except Exception:
        log.exception("could not record the failed update as processed")
    text = context.t._(
        "Sorry, something went wrong on my side. Please try again in a moment; "
        "if it keeps happening, tell your grid worker."
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(context.ut._("Sorry, something went wrong."))
        elif update.effective_message is not None and not isinstance(error, Forbidden):
            await update.effective_message.reply_text(text)
    except Exception:
        log.exception("could not tell the user about the failure")


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_error_handler(on_error)
