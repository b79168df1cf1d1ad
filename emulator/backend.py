"""What every method implementation shares: the world, the update queue, and Telegram's rules
for reaching a chat, replying, keyboards and files.

Access rules live here once, so sendMessage, sendPhoto and editMessageText refuse a blocked
user or a kicked bot with exactly the same words.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request, forbidden
from .formatting import FormattedText, format_text
from .images import valid_photo_dimensions
from .limits import RateLimits
from .spec import Upload
from .state import (
    KICKED,
    LEFT,
    PRESENT,
    Button,
    CallbackAnswer,
    ChatState,
    Message,
    SentFile,
    User,
    World,
    image_size,
    is_image,
)
from .updates import UpdateQueue
from .wire import member_update_json, message_json, user_json

CALLBACK_DATA_LIMIT = 64
INLINE_BUTTON_LIMIT = 100
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MAY_BE_EMPTY = frozenset({"switch_inline_query", "switch_inline_query_current_chat"})
_URL_SCHEMES = ("http://", "https://", "tg://")
# TDLib's names for file types, as its "can't use file of type ... as ..." refusals use them.
_FILE_TYPES = {
    "photo": "Photo",
    "voice": "VoiceNote",
    "document": "Document",
    "sticker": "Sticker",
}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


class Activity:
    """Bot requests in flight and the time of the last one: what wait_idle() watches."""

    def __init__(self) -> None:
        self.inflight = 0
        self.last = time.monotonic()

    def begin(self) -> None:
        self.inflight += 1
        self.last = time.monotonic()

    def end(self) -> None:
        self.inflight -= 1
        self.last = time.monotonic()

    def touch(self) -> None:
        self.last = time.monotonic()

    def quiet_for(self) -> float:
        return time.monotonic() - self.last


@dataclass
class PendingCallback:
    query_id: str
    user: User
    message: Message | None
    data: str | None
    created: float
    future: asyncio.Future[CallbackAnswer]
    answered: bool = False


@dataclass
class Described:
    """A successful result that Telegram sends with a description ("Webhook was set")."""

    result: Any
    description: str


@dataclass
class Keyboard:
    buttons: list[list[Button]] = field(default_factory=list)
    inline: dict[str, Any] | None = None
    other: dict[str, Any] | None = None  # reply keyboard, removal or force reply


class Backend:
    def __init__(
        self, world: World, updates: UpdateQueue, limits: RateLimits, warnings: list[str]
    ) -> None:
        self.world = world
        self.updates = updates
        self.limits = limits
        self.warnings = warnings
        self.activity = Activity()
        self.callbacks: dict[str, PendingCallback] = {}
        self.callback_ttl = 15.0  # Telegram stops accepting an answer after about this long
        self._callback_ids = itertools.count(1)
        self.webhook_sender: Any = None  # set by the server (webhook.WebhookSender)

    @property
    def bot(self) -> User:
        return self.world.bot

    # chats

    def resolve_chat(self, chat_id: int | str) -> ChatState:
        """The chat a chat_id names, refusing unknown and migrated chats as Telegram does."""
        state = None
        if isinstance(chat_id, int):
            state = self.world.chats.get(chat_id)
            if state is None and chat_id in self.world.users and chat_id != self.bot.id:
                state = self.world.private_chat(self.world.users[chat_id])
        elif chat_id.startswith("@"):
            name = chat_id[1:].lower()
            state = next(
                (
                    s
                    for s in self.world.chats.values()
                    if s.chat.type != "private" and (s.chat.username or "").lower() == name
                ),
                None,
            )
        if state is None:
            raise bad_request("chat not found")
        if state.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": state.migrated_to},
            )
        return state

    def check_access(self, state: ChatState) -> None:
        """Refuse a chat the bot cannot write to: blocked, never started, kicked or left."""
        chat = state.chat
        if chat.type == "private":
            if chat.id in self.world.blocked:
                raise forbidden("bot was blocked by the user")
            if chat.id not in self.world.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        status = state.status(self.bot.id)
        if status in PRESENT:
            return
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if status == KICKED:
            raise forbidden(f"bot was kicked from the {kind}")
        raise forbidden(f"bot is not a member of the {kind}")

    def writable_chat(self, chat_id: int | str) -> ChatState:
        state = self.resolve_chat(chat_id)
        self.check_access(state)
        return state

    def readable_chat(self, chat_id: int | str) -> ChatState:
        """A chat for getChat & co: groups need the bot in them, private chats a started user."""
        state = self.resolve_chat(chat_id)
        if state.chat.type == "private":
            if state.chat.id not in self.world.started:
                raise bad_request("chat not found")
            return state
        self.check_access(state)
        return state

    # text

    def lookup_user(self, user_id: int) -> dict[str, Any] | None:
        user = self.world.users.get(user_id)
        return user_json(user) if user is not None else None

    def format(
        self, text: str, params: dict[str, Any], *, entities_key: str, caption: bool = False
    ) -> FormattedText:
        return format_text(
            text,
            params.get("parse_mode"),
            params.get(entities_key),
            lookup_user=self.lookup_user,
            caption=caption,
        )

    # replies and keyboards

    def reply_target(self, state: ChatState, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if reply is not None:
            message_id = reply["message_id"]
            allow = bool(reply.get("allow_sending_without_reply"))
            other_chat = reply.get("chat_id")
            if other_chat is not None and other_chat != state.chat.id:
                self.warnings.append("reply_parameters.chat_id to another chat is not emulated")
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow = bool(params.get("allow_sending_without_reply"))
        else:
            return None
        target = state.messages.get(message_id)
        if target is None or target.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return int(message_id)

    def keyboard(self, markup: dict[str, Any] | None) -> Keyboard:
        if markup is None:
            return Keyboard()
        if "inline_keyboard" in markup:
            return self._inline_keyboard(markup)
        for row in markup.get("keyboard", []):
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
        return Keyboard(other=markup)

    def _inline_keyboard(self, markup: dict[str, Any]) -> Keyboard:
        rows: list[list[Button]] = []
        count = 0
        for row in markup["inline_keyboard"]:
            buttons = []
            for button in row:
                count += 1
                text = button["text"]
                if not text.strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                actions = [
                    a
                    for a in _INLINE_ACTIONS
                    if a in button and (button[a] != "" or a in _MAY_BE_EMPTY)
                ]
                if not actions:
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data") or None
                if data is not None and len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
                url = button.get("url") or None
                if url is not None:
                    _check_button_url(url)
                buttons.append(Button(text, data, url))
            rows.append(buttons)
        if count > INLINE_BUTTON_LIMIT:
            raise bad_request("reply markup is too long")
        return Keyboard(rows, {"inline_keyboard": markup["inline_keyboard"]})

    # files

    def input_file(
        self, value: Upload | str, attachments: dict[str, Upload], *, kind: str
    ) -> SentFile:
        """A file sent by upload, by attach://name, by file_id or by URL."""
        if isinstance(value, str) and value.startswith("attach://"):
            upload = attachments.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"file {value!r} is not attached to the request")
            value = upload
        if isinstance(value, Upload):
            return self._uploaded(value, kind)
        known = self.world.files.get(value)
        if known is not None:
            _check_file_type(known, kind)
            return known
        if value.startswith(("http://", "https://")):
            self.warnings.append(f"file by URL {value!r} was not downloaded (offline emulator)")
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self.world.store_file(
                b"",
                kind=kind,
                file_name=None if kind == "photo" else name,
                mime_type=None if kind == "photo" else mimetypes.guess_type(name)[0],
                width=100 if kind == "photo" else None,
                height=100 if kind == "photo" else None,
            )
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _uploaded(self, upload: Upload, kind: str) -> SentFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if kind != "photo":
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename)[0] or mime
            return self.world.store_file(
                upload.data, kind=kind, file_name=upload.filename, mime_type=mime
            )
        if not is_image(upload.data):
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = image_size(upload.data)
        if not valid_photo_dimensions(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self.world.store_file(upload.data, kind="photo", width=width, height=height)

    # messages

    def new_message(self, state: ChatState, **fields: Any) -> Message:
        return self.world.add_message(state, **fields)

    def message_json(self, message: Message) -> dict[str, Any]:
        return message_json(self.world, message)

    def queue_message(self, message: Message) -> None:
        """Deliver a message a user sent (or a service message) to the bot, if it is there."""
        state = self.world.chats[message.chat_id]
        about_bot = (
            message.left_chat_member is not None and message.left_chat_member.id == self.bot.id
        )
        if state.is_group and state.status(self.bot.id) not in PRESENT and not about_bot:
            return
        self.updates.push("message", self.message_json(message))

    def set_status(self, state: ChatState, user: User, status: str, *, by: User) -> None:
        """Change a member's status and queue the update Telegram sends about it."""
        old = state.status(user.id)
        if old == status:
            return
        if status == LEFT:
            state.members.pop(user.id, None)
        else:
            state.members[user.id] = status
        payload = member_update_json(state, by, user, old, status)
        if user.id == self.bot.id:
            self.updates.push("my_chat_member", payload)
        elif state.is_group and state.status(self.bot.id) in PRESENT:
            self.updates.push("chat_member", payload)  # dropped unless the bot asked for it

    # callback queries

    def new_callback(
        self, user: User, message: Message | None, data: str | None
    ) -> PendingCallback:
        query_id = f"{next(self._callback_ids)}{secrets.randbelow(10**12):012d}"
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        pending = PendingCallback(query_id, user, message, data, time.monotonic(), future)
        self.callbacks[query_id] = pending
        return pending


def _check_file_type(stored: SentFile, kind: str) -> None:
    """Telegram keeps photos apart from document-like files: one cannot stand for the other."""
    if (stored.kind == "photo") != (kind == "photo"):
        raise bad_request(
            f"can't use file of type {_FILE_TYPES.get(stored.kind, 'Document')} "
            f"as {_FILE_TYPES.get(kind, 'Document')}"
        )


def _check_button_url(url: str) -> None:
    lowered = url.lower()
    if lowered.startswith(_URL_SCHEMES):
        host = url.split("://", 1)[1].split("/", 1)[0]
        if host or lowered.startswith("tg://"):
            return
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: URL host is empty")
    if _SCHEME.match(url):
        raise bad_request(
            f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
        )
    if "." in url.split("/", 1)[0] and " " not in url:
        return  # Telegram accepts a bare domain and adds http://
    raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
