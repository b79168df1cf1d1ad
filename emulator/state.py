"""What the emulated Telegram knows: users, chats, who is in them, messages and files.

The public dataclasses here (User, Chat, Message, ...) are what tests read; they are the
emulator's own model, not Bot API JSON (see wire.py for that), so a test asserts on
`msg.text` and `msg.labels()` rather than digging through dicts.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .images import photo_ladder

# Statuses a chat member can have, as the Bot API names them.
CREATOR = "creator"
ADMINISTRATOR = "administrator"
MEMBER = "member"
LEFT = "left"
KICKED = "kicked"
PRESENT = frozenset({CREATOR, ADMINISTRATOR, MEMBER})

FIRST_USER_ID = 100_000_001
FIRST_GROUP_ID = 4_000_000_001
FIRST_SUPERGROUP_ID = 1_001_000_000_001  # shown as -100…: Telegram's supergroup id form


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class Chat:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None


@dataclass
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class SentFile:
    """A file as stored by the emulator: its bytes are what getFile and /file/ serve.

    `kind` is what Telegram would call its type (photo, voice, document, sticker): sending
    a photo's file_id as a document, or the reverse, is refused as Telegram refuses it.
    `declared_size` stands in for bytes a test does not want to hold (a 25 MB voice note to
    see getFile refuse it). A photo keeps its smaller renditions in `smaller`.
    """

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    file_path: str = ""
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    kind: str = "document"
    declared_size: int | None = None
    smaller: list[SentFile] = field(default_factory=list)
    emoji: str | None = None

    @property
    def size(self) -> int:
        return self.declared_size if self.declared_size is not None else len(self.data)

    @property
    def sizes(self) -> list[SentFile]:
        """Every rendition of a photo, smallest first and this one (the largest) last."""
        return [*self.smaller, self]


@dataclass
class Location:
    latitude: float
    longitude: float


@dataclass
class Venue:
    """A place shared as a venue; Telegram sends its location along as Message.location."""

    location: Location
    title: str
    address: str
    foursquare_id: str | None = None
    foursquare_type: str | None = None
    google_place_id: str | None = None
    google_place_type: str | None = None


@dataclass
class Contact:
    phone_number: str
    first_name: str
    last_name: str | None = None
    user_id: int | None = None


@dataclass
class CallbackAnswer:
    """What the bot answered to a pressed button (answerCallbackQuery)."""

    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass
class Message:
    """One message in a chat; edits by the bot update it in place."""

    message_id: int
    chat_id: int
    date: int
    from_user: User | None = None
    text: str | None = None  # plain text after entity parsing
    html: str | None = None  # the text exactly as sent (with its markup)
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None  # the inline keyboard as Telegram returns it
    keyboard: dict[str, Any] | None = None  # a reply keyboard / removal / force reply sent along
    document: SentFile | None = None
    photo: SentFile | None = None
    voice: SentFile | None = None
    location: Location | None = None
    venue: Venue | None = None
    sticker: SentFile | None = None
    contact: Contact | None = None
    media_group_id: str | None = None
    forward_from: User | None = None
    forward_date: int | None = None
    new_chat_members: list[User] = field(default_factory=list)
    left_chat_member: User | None = None
    migrate_to_chat_id: int | None = None
    migrate_from_chat_id: int | None = None
    deleted: bool = False
    edits: int = 0

    def labels(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, label: str) -> Button:
        for row in self.buttons:
            for button in row:
                if button.text == label:
                    return button
        raise LookupError(
            f"no button {label!r} on message {self.message_id}; its buttons are {self.labels()!r}"
        )


@dataclass
class ChatState:
    """A chat with everything the emulator tracks about it."""

    chat: Chat
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None

    def status(self, user_id: int) -> str:
        return self.members.get(user_id, LEFT)

    @property
    def is_group(self) -> bool:
        return self.chat.type in ("group", "supergroup")


def now() -> int:
    return int(time.time())


class World:
    """All users, chats and files; the one place that assigns ids."""

    def __init__(self, bot: User) -> None:
        self.bot = bot
        self.users: dict[int, User] = {bot.id: bot}
        self.chats: dict[int, ChatState] = {}
        self.started: set[int] = set()  # users who ever wrote to the bot in private
        self.blocked: set[int] = set()
        self.files: dict[str, SentFile] = {}
        self.file_paths: dict[str, SentFile] = {}
        self.commands: dict[tuple[str, int | None, int | None, str], list[tuple[str, str]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._group_ids = itertools.count(FIRST_GROUP_ID)
        self._supergroup_ids = itertools.count(FIRST_SUPERGROUP_ID)
        self._file_ids = itertools.count(1)
        self._media_groups = itertools.count(1_000_000_001)

    # users and chats

    def add_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
        is_bot: bool = False,
    ) -> User:
        if user_id is None:
            user_id = next(i for i in self._user_ids if i not in self.users)
        elif user_id in self.users or user_id in self.chats:
            raise ValueError(f"user id {user_id} is already taken")
        user = User(user_id, first_name, last_name, username, language_code, is_bot)
        self.users[user_id] = user
        return user

    def private_chat(self, user: User) -> ChatState:
        state = self.chats.get(user.id)
        if state is None:
            chat = Chat(
                user.id,
                "private",
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
            )
            state = ChatState(chat, {user.id: MEMBER, self.bot.id: MEMBER})
            self.chats[user.id] = state
        return state

    def add_group(
        self, title: str, *, creator: User | None, chat_id: int | None, supergroup: bool
    ) -> ChatState:
        if chat_id is None:
            ids = self._supergroup_ids if supergroup else self._group_ids
            chat_id = -next(i for i in ids if -i not in self.chats)
        elif chat_id in self.chats or chat_id >= 0:
            raise ValueError(f"group id {chat_id} is taken or not negative")
        state = ChatState(Chat(chat_id, "supergroup" if supergroup else "group", title))
        if creator is not None:
            state.members[creator.id] = CREATOR
        self.chats[chat_id] = state
        return state

    def new_supergroup_id(self) -> int:
        return -next(i for i in self._supergroup_ids if -i not in self.chats)

    def chat_state(self, chat: Chat | int) -> ChatState:
        chat_id = chat if isinstance(chat, int) else chat.id
        state = self.chats.get(chat_id)
        if state is None:
            user = self.users.get(chat_id)
            if user is None:
                raise LookupError(f"no chat {chat_id} in the emulator")
            state = self.private_chat(user)
        return state

    # messages

    def add_message(self, state: ChatState, **fields: Any) -> Message:
        message = Message(state.next_message_id, state.chat.id, now(), **fields)
        state.messages[message.message_id] = message
        state.next_message_id += 1
        return message

    def next_media_group_id(self) -> str:
        return str(next(self._media_groups))

    # files

    def store_file(
        self,
        data: bytes,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        declared_size: int | None = None,
        emoji: str | None = None,
    ) -> SentFile:
        """Keep a file under fresh ids; a photo also gets Telegram's smaller renditions."""
        ladder = photo_ladder(width or 1, height or 1) if kind == "photo" else [(width, height)]
        renditions = [
            self._new_file(data, kind, file_name, mime_type, w, h, duration, declared_size, emoji)
            for w, h in ladder
        ]
        largest = renditions[-1]
        largest.smaller = renditions[:-1]
        return largest

    def _new_file(
        self,
        data: bytes,
        kind: str,
        file_name: str | None,
        mime_type: str | None,
        width: int | None,
        height: int | None,
        duration: int | None,
        declared_size: int | None,
        emoji: str | None,
    ) -> SentFile:
        number = next(self._file_ids)
        folder, default_suffix = _FOLDERS.get(kind, ("documents", ""))
        suffix = default_suffix
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        stored = SentFile(
            file_id=f"{kind[:2].upper()}AC{number:06d}{secrets.token_hex(8)}",
            file_unique_id=f"AQAD{number:06d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{folder}/file_{number}{suffix}",
            width=width,
            height=height,
            duration=duration,
            kind=kind,
            declared_size=declared_size,
            emoji=emoji,
        )
        self.files[stored.file_id] = stored
        self.file_paths[stored.file_path] = stored
        return stored


# Where Telegram's file paths put each kind of file, and the suffix it gives them.
_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "voice": ("voice", ".oga"),
    "sticker": ("stickers", ".webp"),
}


def is_image(data: bytes) -> bool:
    """Whether the bytes start like an image Telegram can turn into a photo."""
    return data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; Telegram reports them for every photo."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return (
                    int.from_bytes(data[i + 7 : i + 9], "big"),
                    int.from_bytes(data[i + 5 : i + 7], "big"),
                )
            i += 2 + length
    return 100, 100
