"""Methods that send, change and remove messages and answer buttons (media: media.py)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .backend import Backend, Keyboard
from .errors import ApiFailure, bad_request
from .formatting import FormattedText, utf16_len
from .spec import Call
from .state import ADMINISTRATOR, CREATOR, CallbackAnswer, ChatState, Message, now

Handler = Callable[[Backend, Call], Awaitable[Any]]

CALLBACK_TEXT_LIMIT = 200
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
        "cancel",
    }
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def caption_of(b: Backend, params: dict[str, Any]) -> FormattedText | None:
    caption = params.get("caption")
    if not caption:
        return None
    return b.format(caption, params, entities_key="caption_entities", caption=True)


def caption_fields(caption: FormattedText | None, params: dict[str, Any]) -> dict[str, Any]:
    if caption is None:
        return {}
    return {
        "caption": caption.text,
        "caption_html": params.get("caption"),
        "caption_entities": caption.entities,
        "parse_mode": params.get("parse_mode"),
    }


def prepare(b: Backend, params: dict[str, Any]) -> tuple[ChatState, int | None, Keyboard]:
    state = b.writable_chat(params["chat_id"])
    reply_to = b.reply_target(state, params)
    keyboard = b.keyboard(params.get("reply_markup"))
    return state, reply_to, keyboard


def bot_message(
    b: Backend, state: ChatState, reply_to: int | None, keyboard: Keyboard, **fields: Any
) -> Message:
    return b.new_message(
        state,
        from_user=b.bot,
        reply_to_message_id=reply_to,
        buttons=keyboard.buttons,
        reply_markup=keyboard.inline,
        keyboard=keyboard.other,
        **fields,
    )


async def send_message(b: Backend, call: Call) -> Any:
    p = call.params
    formatted = b.format(p["text"], p, entities_key="entities")
    state, reply_to, keyboard = prepare(b, p)
    b.limits.check(state.chat.id, state.is_group)
    message = bot_message(
        b,
        state,
        reply_to,
        keyboard,
        text=formatted.text,
        html=p["text"],
        entities=formatted.entities,
        parse_mode=p.get("parse_mode"),
    )
    return b.message_json(message)


_CONTENT = (
    "text",
    "html",
    "entities",
    "caption",
    "caption_html",
    "caption_entities",
    "parse_mode",
    "document",
    "photo",
    "voice",
    "location",
    "venue",
    "sticker",
    "contact",
)


def _source(b: Backend, params: dict[str, Any], missing: str) -> Message:
    state = b.resolve_chat(params["from_chat_id"])
    message = state.messages.get(params["message_id"])
    if message is None or message.deleted:
        raise bad_request(missing)
    if (
        message.new_chat_members
        or message.left_chat_member
        or (message.migrate_to_chat_id or message.migrate_from_chat_id)
    ):
        raise bad_request(
            "message can't be copied" if "copy" in missing else "message can't be forwarded"
        )
    return message


async def forward_message(b: Backend, call: Call) -> Any:
    p = call.params
    source = _source(b, p, "message to forward not found")
    state = b.writable_chat(p["chat_id"])
    b.limits.check(state.chat.id, state.is_group)
    content = {name: getattr(source, name) for name in _CONTENT}
    message = b.new_message(
        state,
        from_user=b.bot,
        forward_from=source.forward_from or source.from_user,
        forward_date=source.forward_date or source.date,
        **content,
    )
    return b.message_json(message)


async def copy_message(b: Backend, call: Call) -> Any:
    p = call.params
    source = _source(b, p, "message to copy not found")
    state, reply_to, keyboard = prepare(b, p)
    content = {name: getattr(source, name) for name in _CONTENT}
    if "caption" in p:
        content.update(caption=None, caption_html=None, caption_entities=[])
        content.update(caption_fields(caption_of(b, p), p))
    b.limits.check(state.chat.id, state.is_group)
    message = bot_message(b, state, reply_to, keyboard, **content)
    return {"message_id": message.message_id}


async def delete_messages(b: Backend, call: Call) -> Any:
    p = call.params
    ids: list[int] = p["message_ids"]
    if not 1 <= len(ids) <= 100:
        raise bad_request(
            "too many message identifiers specified"
            if ids
            else "message identifiers are not specified"
        )
    b.writable_chat(p["chat_id"])
    for message_id in ids:
        with contextlib.suppress(ApiFailure):  # Telegram skips what it cannot delete
            await delete_message(
                b, Call("deleteMessage", {"chat_id": p["chat_id"], "message_id": message_id})
            )
    return True


async def send_chat_action(b: Backend, call: Call) -> Any:
    action = call.params["action"]
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    b.writable_chat(call.params["chat_id"])
    return True


def _target(b: Backend, params: dict[str, Any], *, missing: str) -> Message:
    """The message an edit or delete names, with Telegram's refusals."""
    if params.get("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")  # the emulator has no inline messages
    if params.get("chat_id") is None or params.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    state = b.writable_chat(params["chat_id"])
    message = state.messages.get(params["message_id"])
    if message is None or message.deleted:
        raise bad_request(missing)
    return message


def _editable(b: Backend, params: dict[str, Any]) -> Message:
    message = _target(b, params, missing="message to edit not found")
    if message.from_user is None or message.from_user.id != b.bot.id:
        raise bad_request("message can't be edited")
    return message


def _edited(message: Message) -> None:
    message.edit_date = now()
    message.edits += 1


async def edit_message_text(b: Backend, call: Call) -> Any:
    p = call.params
    message = _editable(b, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if "text" not in p:
        raise bad_request("message text is empty")
    formatted = b.format(p["text"], p, entities_key="entities")
    keyboard = b.keyboard(p.get("reply_markup"))
    if (
        formatted.text == message.text
        and formatted.entities == message.entities
        and keyboard.inline == message.reply_markup
    ):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.html, message.entities = formatted.text, p["text"], formatted.entities
    message.parse_mode = p.get("parse_mode")
    message.buttons, message.reply_markup = keyboard.buttons, keyboard.inline
    _edited(message)
    return b.message_json(message)


async def edit_message_caption(b: Backend, call: Call) -> Any:
    p = call.params
    message = _editable(b, p)
    if message.document is None and message.photo is None and message.voice is None:
        raise bad_request("there is no caption in the message to edit")
    caption = caption_of(b, p)
    keyboard = b.keyboard(p.get("reply_markup"))
    new_text = caption.text if caption else None
    new_entities = caption.entities if caption else []
    if (
        new_text == message.caption
        and new_entities == message.caption_entities
        and keyboard.inline == message.reply_markup
    ):
        raise bad_request(_NOT_MODIFIED)
    message.caption, message.caption_entities = new_text, new_entities
    message.caption_html = p.get("caption")
    message.buttons, message.reply_markup = keyboard.buttons, keyboard.inline
    _edited(message)
    return b.message_json(message)


async def edit_message_reply_markup(b: Backend, call: Call) -> Any:
    p = call.params
    message = _editable(b, p)
    keyboard = b.keyboard(p.get("reply_markup"))
    if keyboard.inline == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    message.buttons, message.reply_markup = keyboard.buttons, keyboard.inline
    _edited(message)
    return b.message_json(message)


async def delete_message(b: Backend, call: Call) -> Any:
    p = call.params
    message = _target(b, p, missing="message to delete not found")
    state = b.world.chats[message.chat_id]
    own = message.from_user is not None and message.from_user.id == b.bot.id
    if not own and state.is_group and state.status(b.bot.id) not in (CREATOR, ADMINISTRATOR):
        raise bad_request("message can't be deleted")
    message.deleted = True
    return True


async def answer_callback_query(b: Backend, call: Call) -> Any:
    p = call.params
    pending = b.callbacks.get(p["callback_query_id"])
    if pending is None or pending.answered or time.monotonic() - pending.created > b.callback_ttl:
        raise bad_request(_QUERY_INVALID)
    text = p.get("text")
    if text is not None and utf16_len(text) > CALLBACK_TEXT_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    answer = CallbackAnswer(
        text=text or None,
        show_alert=bool(p.get("show_alert", False)),
        url=p.get("url"),
        cache_time=int(p.get("cache_time", 0)),
    )
    if not pending.future.done():
        pending.future.set_result(answer)
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "forwardMessage": forward_message,
    "copyMessage": copy_message,
    "deleteMessages": delete_messages,
    "sendChatAction": send_chat_action,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
}
