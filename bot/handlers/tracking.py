"""Before and after every update: dedupe redeliveries, record who and where, pick languages.

Group -1 runs first for every update; group 100 runs last and records the update as processed
when its handler wrote nothing (a handler that writes records it in its own transaction).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import CustomContext
from bot.storage import SeenUser

log = logging.getLogger(__name__)

FIRST_GROUP = -1
LAST_GROUP = 100


async def track(update: Update, context: CustomContext) -> None:
    storage = context.storage
    if storage.is_processed(update.update_id):
        log.info("update %s already processed: ignored", update.update_id)
        raise ApplicationHandlerStop
    context.update_id = update.update_id
    user, chat = update.effective_user, update.effective_chat
    seen = (
        SeenUser(user.id, user.first_name, user.last_name, user.username, user.language_code)
        if user is not None and not user.is_bot
        else None
    )
    private_message = (
        chat is not None and chat.type == ChatType.PRIVATE and update.effective_message is not None
    )
    await storage.see(
        seen,
        chat.id if chat is not None else None,
        chat.type if chat is not None else None,
        chat.title if chat is not None else None,
        private_message=private_message,
    )
    user_tr = (
        context.translator_for_user(user.id) if user is not None else context.catalogs.get(None)
    )
    chat_tr = context.translator_for_chat(chat.id) if chat is not None else user_tr
    context.set_languages(chat_tr, user_tr)


async def mark_done(update: Update, context: CustomContext) -> None:
    await context.storage.mark_processed(update.update_id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, track), group=FIRST_GROUP)
    app.add_handler(TypeHandler(Update, mark_done), group=LAST_GROUP)
