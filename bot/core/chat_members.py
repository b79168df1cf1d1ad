"""What Telegram says about a person in a group right now (not cached: it changes outside us)."""

from __future__ import annotations

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.core.records import ChatRecord

ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
MEMBERS = (*ADMINS, ChatMemberStatus.MEMBER, ChatMemberStatus.RESTRICTED)


async def is_chat_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    member = await bot.get_chat_member(chat_id, user_id)
    return member.status in ADMINS


async def is_member_of_any(bot: Bot, chats: list[ChatRecord], user_id: int) -> bool:
    """A member of one of `chats`, as Telegram knows it now (a chat it cannot answer for is
    skipped)."""
    for chat in chats:
        try:
            member = await bot.get_chat_member(chat.id, user_id)
        except TelegramError:
            continue
        if member.status in MEMBERS:
            return True
    return False
