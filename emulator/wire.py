"""The emulator's model written out as Bot API JSON, shaped so PTB's de_json accepts it.

Every object carries the fields the Bot API marks as always present (ChatFullInfo's
accepted_gift_types, ChatMemberAdministrator's rights ...): PTB requires them.
"""

from __future__ import annotations

from typing import Any

from .state import (
    ADMINISTRATOR,
    CREATOR,
    KICKED,
    ChatState,
    Location,
    Message,
    SentFile,
    User,
    Venue,
    World,
    now,
)
from .state import Chat as ChatModel


def user_json(user: User) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    if user.last_name:
        out["last_name"] = user.last_name
    if user.username:
        out["username"] = user.username
    if user.language_code and not user.is_bot:
        out["language_code"] = user.language_code
    return out


def bot_json(user: User) -> dict[str, Any]:
    """getMe's answer: the bot's User with the capabilities only getMe reports."""
    return {
        **user_json(user),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(chat: ChatModel) -> dict[str, Any]:
    out: dict[str, Any] = {"id": chat.id, "type": chat.type}
    if chat.type == "private":
        out["first_name"] = chat.first_name or ""
        if chat.last_name:
            out["last_name"] = chat.last_name
    else:
        out["title"] = chat.title or ""
    if chat.username:
        out["username"] = chat.username
    return out


def chat_full_json(state: ChatState) -> dict[str, Any]:
    out = chat_json(state.chat)
    out.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    if state.chat.type != "private":
        out["permissions"] = {
            "can_send_messages": True,
            "can_send_audios": True,
            "can_send_documents": True,
            "can_send_photos": True,
            "can_send_videos": True,
            "can_send_video_notes": True,
            "can_send_voice_notes": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_add_web_page_previews": True,
            "can_change_info": False,
            "can_invite_users": True,
            "can_pin_messages": False,
            "can_manage_topics": False,
        }
    return out


def member_json(user: User, status: str) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status, "user": user_json(user)}
    if status == CREATOR:
        out["is_anonymous"] = False
    elif status == ADMINISTRATOR:
        out.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
            can_manage_topics=False,
        )
    elif status == KICKED:
        out["until_date"] = 0
    return out


def member_update_json(
    state: ChatState, by: User, user: User, old: str, new: str
) -> dict[str, Any]:
    """A ChatMemberUpdated (my_chat_member / chat_member update payload)."""
    return {
        "chat": chat_json(state.chat),
        "from": user_json(by),
        "date": now(),
        "old_chat_member": member_json(user, old),
        "new_chat_member": member_json(user, new),
    }


def file_json(stored: SentFile, *, with_path: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if with_path:
        out["file_path"] = stored.file_path
    return out


def document_json(stored: SentFile) -> dict[str, Any]:
    out = file_json(stored)
    if stored.file_name:
        out["file_name"] = stored.file_name
    if stored.mime_type:
        out["mime_type"] = stored.mime_type
    return out


def photo_json(stored: SentFile) -> list[dict[str, Any]]:
    """A photo as Telegram sends it: one PhotoSize per rendition, the largest last."""
    return [
        {**file_json(size), "width": size.width or 0, "height": size.height or 0}
        for size in stored.sizes
    ]


def voice_json(stored: SentFile) -> dict[str, Any]:
    out = file_json(stored)
    out["duration"] = stored.duration or 0
    out["mime_type"] = stored.mime_type or "audio/ogg"
    return out


def sticker_json(stored: SentFile) -> dict[str, Any]:
    out = file_json(stored)
    out.update(
        type="regular",
        width=stored.width or 512,
        height=stored.height or 512,
        is_animated=False,
        is_video=False,
    )
    if stored.emoji:
        out["emoji"] = stored.emoji
    return out


def location_json(location: Location) -> dict[str, Any]:
    return {"latitude": location.latitude, "longitude": location.longitude}


def venue_json(venue: Venue) -> dict[str, Any]:
    out: dict[str, Any] = {
        "location": location_json(venue.location),
        "title": venue.title,
        "address": venue.address,
    }
    for name in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        value = getattr(venue, name)
        if value:
            out[name] = value
    return out


def _content_json(message: Message) -> dict[str, Any]:
    """What a message carries besides text: media, caption, place, contact."""
    content: dict[str, Any] = {}
    if message.document is not None:
        content["document"] = document_json(message.document)
    if message.photo is not None:
        content["photo"] = photo_json(message.photo)
    if message.voice is not None:
        content["voice"] = voice_json(message.voice)
    if message.caption is not None:
        content["caption"] = message.caption
        if message.caption_entities:
            content["caption_entities"] = message.caption_entities
    if message.sticker is not None:
        content["sticker"] = sticker_json(message.sticker)
    if message.location is not None:
        content["location"] = location_json(message.location)
    if message.venue is not None:
        content["venue"] = venue_json(message.venue)
    if message.contact is not None:
        contact: dict[str, Any] = {
            "phone_number": message.contact.phone_number,
            "first_name": message.contact.first_name,
        }
        if message.contact.last_name:
            contact["last_name"] = message.contact.last_name
        if message.contact.user_id is not None:
            contact["user_id"] = message.contact.user_id
        content["contact"] = contact
    return content


def message_json(world: World, message: Message, *, with_reply: bool = True) -> dict[str, Any]:
    state = world.chats[message.chat_id]
    out: dict[str, Any] = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": chat_json(state.chat),
    }
    if message.from_user is not None:
        out["from"] = user_json(message.from_user)
    if message.edit_date is not None:
        out["edit_date"] = message.edit_date
    if message.reply_to_message_id is not None and with_reply:
        replied = state.messages.get(message.reply_to_message_id)
        if replied is not None and not replied.deleted:
            out["reply_to_message"] = message_json(world, replied, with_reply=False)
    if message.forward_from is not None:
        out["forward_origin"] = {
            "type": "user",
            "sender_user": user_json(message.forward_from),
            "date": message.forward_date or message.date,
        }
    if message.media_group_id is not None:
        out["media_group_id"] = message.media_group_id
    if message.text is not None:
        out["text"] = message.text
        if message.entities:
            out["entities"] = message.entities
    out.update(_content_json(message))
    if message.new_chat_members:
        out["new_chat_members"] = [user_json(u) for u in message.new_chat_members]
    if message.left_chat_member is not None:
        out["left_chat_member"] = user_json(message.left_chat_member)
    if message.migrate_to_chat_id is not None:
        out["migrate_to_chat_id"] = message.migrate_to_chat_id
    if message.migrate_from_chat_id is not None:
        out["migrate_from_chat_id"] = message.migrate_from_chat_id
    if message.reply_markup is not None:
        out["reply_markup"] = message.reply_markup
    return out
