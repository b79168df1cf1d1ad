"""Before and after every update: dedupe redeliveries, record who and where (and who is in which
group: bot/core/chat_members.py), pick languages.

Group -1 runs first for every update; group 100 runs last and records the update as processed
when its handler wrote nothing (a handler that writes records it in its own transaction).
"""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import CustomContext
from bot.core.chat_members import admin_checks, present
from bot.core.dialogs import DialogPersistence
from bot.core.records import SeenUser

log = logging.getLogger(__name__)

FIRST_GROUP = -1
LAST_GROUP = 100


def update_kind(update: Update) -> str:
    """What an update is, without what anyone wrote: logs at INFO carry no message text."""
    message = update.effective_message
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        return f"button:{data.split(':', 1)[0][:12]}"
    if update.my_chat_member is not None:
        return f"membership:{update.my_chat_member.new_chat_member.status}"
    if update.chat_member is not None:
        return f"member:{update.chat_member.new_chat_member.status}"
    if message is not None:
        entities = message.entities or message.caption_entities or ()
        first = entities[0] if entities else None
        text = message.text or message.caption or ""
        if first is not None and first.type == "bot_command" and first.offset == 0:
            return "command:" + text[1 : first.length].split("@", 1)[0][:32]
        for kind in ("photo", "voice", "location", "document", "new_chat_members",
                     "left_chat_member", "migrate_to_chat_id", "migrate_from_chat_id"):  # fmt: skip
            if getattr(message, kind, None):
                return kind
        return "text"
    return "other"


def where(update: Update) -> str:
    chat = update.effective_chat
    return chat.type if chat is not None else "-"


def log_outcome(update: Update, context: CustomContext, outcome: str) -> None:
    started = getattr(context, "started", None)
    took = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    log.info(
        "update %s %s in %s: %s in %.1f ms",
        update.update_id,
        update_kind(update),
        where(update),
        outcome,
        took,
    )


async def track(update: Update, context: CustomContext) -> None:
    context.started = time.perf_counter()
    registry = context.registry
    if context.db.is_processed(update.update_id):
        log_outcome(update, context, "duplicate, ignored")
        raise ApplicationHandlerStop
    context.update_id = update.update_id
    context.current_update = update
    user, chat = update.effective_user, update.effective_chat
    seen = (
        SeenUser(user.id, user.first_name, user.last_name, user.username, user.language_code)
        if user is not None and not user.is_bot
        else None
    )
    private_message = (
        chat is not None and chat.type == ChatType.PRIVATE and update.effective_message is not None
    )
    await registry.see(
        seen,
        chat.id if chat is not None else None,
        chat.type if chat is not None else None,
        chat.title if chat is not None else None,
        private_message=private_message,
    )
    await registry.memberships.saw(membership_news(update))
    if update.chat_member is not None and chat is not None:
        admin_checks(context.bot).forget(chat.id)  # someone's rights may have changed
    user_tr = (
        context.translator_for_user(user.id) if user is not None else context.catalogs.get(None)
    )
    chat_tr = context.translator_for_chat(chat.id) if chat is not None else user_tr
    context.set_languages(chat_tr, user_tr)


def membership_news(update: Update) -> list[tuple[int, int, bool]]:
    """Who is (True) or is no longer (False) in a group, as this update shows it, for free: the
    sender of a message (only members write; not an anonymous admin or a channel), who joined,
    who left, and a chat_member update's new status."""
    chat = update.effective_chat
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return []
    if update.chat_member is not None:
        member = update.chat_member.new_chat_member
        return [] if member.user.is_bot else [(chat.id, member.user.id, present(member))]
    message = update.message
    if message is None:
        return []
    sender, left = message.from_user, message.left_chat_member
    news = []
    if (
        sender is not None
        and not sender.is_bot
        and message.sender_chat is None
        and (left is None or left.id != sender.id)  # one who left is not in
    ):
        news.append((chat.id, sender.id, True))
    news += [(chat.id, u.id, True) for u in message.new_chat_members if not u.is_bot]
    if left is not None and not left.is_bot:
        news.append((chat.id, left.id, False))
    return news


async def mark_done(update: Update, context: CustomContext) -> None:
    await context.db.mark_processed(update.update_id)
    await keep_dialog(update, context)
    log_outcome(update, context, "ok")


async def keep_dialog(update: Update, context: CustomContext) -> None:
    """A dialog's step and draft are stored at the end of each update that may have moved it
    (private chats, where the dialogs are), not only every minute: a crash loses no answer."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    persistence = context.application.persistence
    if not isinstance(persistence, DialogPersistence):
        return
    if context.user_data or persistence.has_data(user.id):
        await context.application.update_persistence()


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, track), group=FIRST_GROUP)
    app.add_handler(TypeHandler(Update, mark_done), group=LAST_GROUP)
