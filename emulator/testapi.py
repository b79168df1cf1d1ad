"""The Emulator: a Bot API server plus the handles a test uses to act as Telegram's users.

A test starts it, points the bot at `emu.api_url`, then plays users (send a command, press a
button), waits until the bot has handled everything (`wait_idle`) and reads what the bot did
(`messages`, `last_bot_message`, `errors`). Nothing here reaches into the bot: it only sees
the HTTP requests the bot makes, exactly as Telegram would.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from .backend import Backend
from .control import add_control_routes
from .errors import ApiError
from .formatting import auto_entities
from .images import sample_png
from .limits import Fault, FaultSwitches, RateLimits
from .media import ALBUM_MAX, ALBUM_MIN
from .server import BotApiServer
from .spec import Spec, load_spec
from .state import (
    ADMINISTRATOR,
    CREATOR,
    KICKED,
    LEFT,
    MEMBER,
    PRESENT,
    CallbackAnswer,
    Chat,
    ChatState,
    Contact,
    Location,
    Message,
    SentFile,
    User,
    Venue,
    World,
    image_size,
)
from .updates import Update, UpdateQueue
from .webhook import WebhookSender
from .wire import user_json

T = TypeVar("T")

# A 1×1 PNG, for photos a test does not care about.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# The start of an Ogg/Opus stream: enough for a voice note nobody plays.
TINY_OGG = b"OggS\x00\x02" + bytes(20) + b"OpusHead\x01\x01"
# The start of a WebP image: a sticker nobody looks at.
TINY_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00"
# A phone photo's size: Telegram makes four renditions of it (90, 320, 800 and 1280 wide).
PHOTO_WIDTH, PHOTO_HEIGHT = 1280, 960

ChatRef = Chat | int
MessageRef = Message | int


class Emulator:
    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "mulin_bot",
        bot_name: str = "睦邻",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        first_update_id: int = 1,
        spec: Spec | None = None,
    ) -> None:
        prefix = token.split(":", 1)[0]
        if not prefix.isdigit():
            raise ValueError("a bot token starts with the bot's numeric id: '123456:...'")
        self.token = token
        self.host = host
        self.port = port
        self.bot_user = User(int(prefix), bot_name, username=bot_username, is_bot=True)
        self.world = World(self.bot_user)
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[ApiError] = []
        self.warnings: list[str] = []
        self.rate_limits = RateLimits()
        self.faults = FaultSwitches()
        self.update_queue = UpdateQueue(first_update_id)
        self.backend = Backend(self.world, self.update_queue, self.rate_limits, self.warnings)
        self._webhook = WebhookSender(self.update_queue, self.backend.activity)
        self.backend.webhook_sender = self._webhook
        self.server = BotApiServer(
            token=token,
            spec=spec or load_spec(),
            backend=self.backend,
            faults=self.faults,
            requests=self.requests,
            errors=self.errors,
            warnings=self.warnings,
            extra_routes=lambda app: add_control_routes(app, self),
        )
        self.api_url = ""

    # lifecycle

    @property
    def bot_id(self) -> int:
        return self.bot_user.id

    @property
    def bot_api_url(self) -> str:
        """What PTB's `base_url` wants: `{api_url}/bot` (PTB appends the token)."""
        return f"{self.api_url}/bot"

    @property
    def file_url(self) -> str:
        """What PTB's `base_file_url` wants: `{api_url}/file/bot`."""
        return f"{self.api_url}/file/bot"

    async def start(self) -> Emulator:
        self.update_queue.closing = False
        self.api_url = await self.server.start(self.host, self.port)
        return self

    async def stop(self) -> None:
        self.update_queue.close()
        await self._webhook.stop()
        for pending in self.backend.callbacks.values():
            if not pending.future.done():
                pending.future.cancel()
        await self.server.stop()

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # users and chats

    def add_user(
        self,
        first_name: str,
        username: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> User:
        return self.world.add_user(
            first_name,
            username=username,
            language_code=language_code,
            last_name=last_name,
            user_id=user_id,
        )

    def add_group(
        self,
        title: str,
        creator: User | None = None,
        chat_id: int | None = None,
        supergroup: bool = False,
    ) -> Chat:
        """A group with `creator` as its "creator"; the bot is not in it until add_bot()."""
        return self.world.add_group(
            title, creator=creator, chat_id=chat_id, supergroup=supergroup
        ).chat

    def private_chat(self, user: User) -> Chat:
        return self.world.private_chat(user).chat

    def chat(self, chat_id: int) -> Chat:
        return self.world.chat_state(chat_id).chat

    def member_status(self, chat: ChatRef, user: User) -> str:
        return self._state(chat).status(user.id)

    def has_started(self, user: User) -> bool:
        return user.id in self.world.started

    async def add_bot(self, group: ChatRef, by: User) -> None:
        """The bot is added to a group: my_chat_member (left → member) and a service message."""
        state = self._group(group)
        self._join(state, by)
        self.backend.set_status(state, self.bot_user, MEMBER, by=by)
        self._deliver(self.world.add_message(state, from_user=by, new_chat_members=[self.bot_user]))
        await asyncio.sleep(0)

    async def remove_bot(self, group: ChatRef, by: User) -> None:
        """The bot is removed (kicked): my_chat_member (→ kicked) and a service message."""
        state = self._group(group)
        self.backend.set_status(state, self.bot_user, KICKED, by=by)
        self._deliver(self.world.add_message(state, from_user=by, left_chat_member=self.bot_user))
        await asyncio.sleep(0)

    def set_admin(self, group: ChatRef, user: User, admin: bool = True) -> None:
        state = self._group(group)
        if state.status(user.id) == CREATOR:
            raise ValueError(f"{user.full_name} created {state.chat.title!r}; that cannot change")
        self.backend.set_status(state, user, ADMINISTRATOR if admin else MEMBER, by=user)

    async def add_member(self, group: ChatRef, user: User) -> Message:
        state = self._group(group)
        self.backend.set_status(state, user, MEMBER, by=user)
        message = self.world.add_message(state, from_user=user, new_chat_members=[user])
        self._deliver(message)
        await asyncio.sleep(0)
        return message

    async def remove_member(self, group: ChatRef, user: User, by: User | None = None) -> Message:
        state = self._group(group)
        self.backend.set_status(state, user, LEFT if by is None else KICKED, by=by or user)
        message = self.world.add_message(state, from_user=by or user, left_chat_member=user)
        self._deliver(message)
        await asyncio.sleep(0)
        return message

    async def migrate_to_supergroup(self, group: ChatRef) -> Chat:
        """Upgrade a group: a new -100… chat; the old id answers "upgraded" from now on."""
        old = self._group(group)
        if old.chat.type != "group":
            raise ValueError(f"{old.chat.title!r} is not a basic group")
        new_id = self.world.new_supergroup_id()
        new = ChatState(Chat(new_id, "supergroup", old.chat.title), members=dict(old.members))
        self.world.chats[new_id] = new
        by = next(
            (self.world.users[u] for u, s in old.members.items() if s == CREATOR),
            next(
                (
                    self.world.users[u]
                    for u, s in old.members.items()
                    if s in PRESENT and u != self.bot_id
                ),
                self.bot_user,
            ),
        )
        self._deliver(self.world.add_message(old, from_user=by, migrate_to_chat_id=new_id))
        old.migrated_to = new_id
        self._deliver(self.world.add_message(new, from_user=by, migrate_from_chat_id=old.chat.id))
        await asyncio.sleep(0)
        return new.chat

    def block(self, user: User) -> None:
        """The user blocks the bot: later sends to them answer 403."""
        if user.id in self.world.blocked:
            return
        self.world.blocked.add(user.id)
        self.backend.set_status(self.world.private_chat(user), self.bot_user, KICKED, by=user)

    def unblock(self, user: User) -> None:
        if user.id not in self.world.blocked:
            return
        self.world.blocked.discard(user.id)
        self.backend.set_status(self.world.private_chat(user), self.bot_user, MEMBER, by=user)

    # what users do

    async def send(
        self, user: User, chat: ChatRef, text: str, reply_to: MessageRef | None = None
    ) -> Message:
        """A text message from a user; /commands get their bot_command entity."""
        return await self._post(
            user, chat, reply_to, text=text, html=text, entities=auto_entities(text)
        )

    async def send_photo(
        self,
        user: User,
        chat: ChatRef,
        caption: str | None = None,
        data: bytes | None = None,
        reply_to: MessageRef | None = None,
        *,
        width: int = PHOTO_WIDTH,
        height: int = PHOTO_HEIGHT,
    ) -> Message:
        """A photo in several sizes, like Telegram's; without `data`, a width×height PNG.

        A caption starting with /command gets its bot_command entity, as Telegram gives it.
        """
        stored = self._photo(data, width, height)
        return await self._post(user, chat, reply_to, photo=stored, **self._caption(caption))

    async def send_album(
        self,
        user: User,
        chat: ChatRef,
        photos: int | Sequence[bytes] = 2,
        caption: str | None = None,
        reply_to: MessageRef | None = None,
        *,
        captions: Sequence[str | None] | None = None,
    ) -> list[Message]:
        """Photos sent together: one message (and one update) each, sharing a media_group_id.

        `caption` goes on the first photo, where the apps put an album's caption; `captions`
        gives one per photo instead. Albums hold 2-10 items, as in the apps.
        """
        images = [None] * photos if isinstance(photos, int) else list(photos)
        if not ALBUM_MIN <= len(images) <= ALBUM_MAX:
            raise ValueError(f"an album holds 2-10 photos, not {len(images)}")
        texts = list(captions) if captions is not None else [caption] + [None] * (len(images) - 1)
        if len(texts) != len(images):
            raise ValueError(f"{len(texts)} captions for {len(images)} photos")
        group_id = self.world.next_media_group_id()
        sent = []
        for image, text in zip(images, texts, strict=True):
            stored = self._photo(image, PHOTO_WIDTH, PHOTO_HEIGHT)
            fields = {"photo": stored, "media_group_id": group_id, **self._caption(text)}
            sent.append(await self._post(user, chat, reply_to, **fields))
        return sent

    async def send_document(
        self,
        user: User,
        chat: ChatRef,
        data: bytes,
        file_name: str = "file.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        reply_to: MessageRef | None = None,
    ) -> Message:
        stored = self.world.store_file(
            data, kind="document", file_name=file_name, mime_type=mime_type
        )
        return await self._post(user, chat, reply_to, document=stored, **self._caption(caption))

    async def send_voice(
        self,
        user: User,
        chat: ChatRef,
        data: bytes = TINY_OGG,
        duration: int = 3,
        caption: str | None = None,
        reply_to: MessageRef | None = None,
        *,
        file_size: int | None = None,
        mime_type: str = "audio/ogg",
    ) -> Message:
        """A voice note; `file_size` declares a size the bytes do not have (say 25 MB, over
        getFile's 20 MB limit) without a test holding that many bytes."""
        stored = self.world.store_file(
            data, kind="voice", mime_type=mime_type, duration=duration, declared_size=file_size
        )
        return await self._post(user, chat, reply_to, voice=stored, **self._caption(caption))

    async def send_sticker(
        self,
        user: User,
        chat: ChatRef,
        emoji: str = "👍",
        reply_to: MessageRef | None = None,
    ) -> Message:
        """A regular 512×512 sticker: something a bot that wants text or photos must refuse."""
        stored = self.world.store_file(
            TINY_WEBP, kind="sticker", mime_type="image/webp", width=512, height=512, emoji=emoji
        )
        return await self._post(user, chat, reply_to, sticker=stored)

    async def send_location(
        self,
        user: User,
        chat: ChatRef,
        latitude: float,
        longitude: float,
        reply_to: MessageRef | None = None,
    ) -> Message:
        location = _location(latitude, longitude)
        return await self._post(user, chat, reply_to, location=location)

    async def send_venue(
        self,
        user: User,
        chat: ChatRef,
        latitude: float,
        longitude: float,
        title: str,
        address: str,
        reply_to: MessageRef | None = None,
    ) -> Message:
        """A venue; its message carries the location as well, as Telegram's does."""
        location = _location(latitude, longitude)
        venue = Venue(location, title, address)
        return await self._post(user, chat, reply_to, location=location, venue=venue)

    async def send_contact(
        self,
        user: User,
        chat: ChatRef,
        phone_number: str,
        first_name: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> Message:
        contact = Contact(phone_number, first_name or user.first_name, last_name, user_id)
        return await self._post(user, chat, reply_to, contact=contact)

    async def press(
        self,
        user: User,
        message: Message,
        label: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Press the inline button labelled `label`; return the bot's answerCallbackQuery."""
        current = self._current(message)
        matches = [b for row in current.buttons for b in row if b.text == label]
        if not matches:
            raise LookupError(
                f"no button {label!r} on message {current.message_id} in chat "
                f"{current.chat_id}; its buttons are {current.labels()!r}"
            )
        if matches[0].callback_data is None:
            raise LookupError(f"button {label!r} opens {matches[0].url!r}; it sends no callback")
        return await self._press(user, current, matches[0].callback_data, timeout)

    async def press_data(
        self,
        user: User,
        message: Message,
        data: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """A callback query with any data, as a forged or outdated client could send."""
        return await self._press(user, self._current(message), data, timeout)

    def redeliver(self, update_id: int) -> Update:
        """Queue a delivered update again with the same update_id, as after a crash."""
        return self.update_queue.redeliver(update_id)

    # what the bot did

    def messages(self, chat: ChatRef) -> list[Message]:
        return [m for m in self._state(chat).messages.values() if not m.deleted]

    def bot_messages(self, chat: ChatRef) -> list[Message]:
        return [m for m in self.messages(chat) if self._from_bot(m)]

    def last_bot_message(self, chat: ChatRef) -> Message:
        sent = self.bot_messages(chat)
        if not sent:
            state = self._state(chat)
            seen = [
                f"{m.message_id}: {(m.text or m.caption or '<media/service>')[:60]!r}"
                for m in self.messages(chat)
            ]
            raise AssertionError(
                f"the bot has sent nothing to chat {state.chat.id} "
                f"({state.chat.title or state.chat.first_name}); messages there: {seen}; "
                f"errors: {[str(e) for e in self.errors]}"
            )
        return sent[-1]

    def album(self, chat: ChatRef, media_group_id: str) -> list[Message]:
        """The messages of one album (media group), in order."""
        return [m for m in self.messages(chat) if m.media_group_id == media_group_id]

    def last_bot_album(self, chat: ChatRef) -> list[Message]:
        """The bot's most recent album in the chat (sendMediaGroup's messages)."""
        grouped = [m for m in self.bot_messages(chat) if m.media_group_id is not None]
        if not grouped:
            raise AssertionError(
                f"the bot has sent no album to chat {self._state(chat).chat.id}; "
                f"errors: {[str(e) for e in self.errors]}"
            )
        return self.album(chat, grouped[-1].media_group_id or "")

    def message(self, chat: ChatRef, message_id: int) -> Message:
        found = self._state(chat).messages.get(message_id)
        if found is None:
            raise LookupError(f"no message {message_id} in chat {chat}")
        return found

    def calls(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every request to `method`, in order."""
        return [params for name, params in self.requests if name.lower() == method.lower()]

    def commands(
        self,
        scope_type: str = "default",
        language_code: str = "",
        chat: ChatRef | None = None,
        user: User | None = None,
    ) -> list[tuple[str, str]]:
        chat_id = chat if isinstance(chat, int) or chat is None else chat.id
        key = (scope_type, chat_id, user.id if user else None, language_code)
        return list(self.world.commands.get(key, []))

    def description(self, language_code: str = "") -> str | None:
        return self.world.descriptions.get(language_code)

    def short_description(self, language_code: str = "") -> str | None:
        return self.world.short_descriptions.get(language_code)

    def menu_button(self, chat: ChatRef | None = None) -> dict[str, Any] | None:
        chat_id = chat if isinstance(chat, int) or chat is None else chat.id
        return self.world.menu_buttons.get(chat_id)

    def clear_errors(self) -> None:
        self.errors.clear()

    # waiting

    async def wait_idle(
        self,
        quiet: float = 0.05,
        timeout: float = 10.0,  # noqa: ASYNC109 (the test contract)
    ) -> None:
        """Return once every queued update was taken by the bot and it went quiet.

        Taken: getUpdates returned the update and a later getUpdates confirmed it (a higher
        offset), or the webhook answered 2xx. Quiet: no request other than a pending long
        poll arrived or was being answered for `quiet` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            busy = self.busy(quiet)
            if busy is None:
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"the bot did not go idle within {timeout}s: {busy}")
            await asyncio.sleep(min(0.005, quiet / 4) if quiet > 0 else 0.001)

    def busy(self, quiet: float = 0.05) -> str | None:
        """Why the emulator is not idle, or None."""
        pending = self.update_queue.pending
        if pending:
            ids = [u.update_id for u in pending[:10]]
            where = "webhook" if self.update_queue.webhook else "getUpdates"
            return (
                f"{len(pending)} update(s) not yet confirmed by the bot via {where}: "
                f"{ids} ({', '.join(sorted({u.kind for u in pending}))})"
            )
        activity = self.backend.activity
        if activity.inflight:
            return f"{activity.inflight} bot request(s) still being answered"
        if self._webhook.inflight:
            return "a webhook delivery is in flight"
        silent = activity.quiet_for()
        if silent < quiet:
            return f"the last bot request was {silent:.3f}s ago (< {quiet}s)"
        return None

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109 (the test contract)
        interval: float = 0.01,
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)

    # faults and limits

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        count: int = 1,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """The next `count` calls of `method` answer this error instead of working."""
        self.faults.add(method, Fault(False, count, status, retry_after, description, parameters))

    def drop_next(self, method: str, count: int = 1) -> None:
        """The next `count` calls of `method` get their connection closed without an answer."""
        self.faults.add(method, Fault(True, count))

    def hold(self, *methods: str) -> None:
        """Calls of `methods` (e.g. sendMessage) wait unanswered until release(); getUpdates goes
        on, so the bot fetches updates it cannot finish handling. A call whose bot went away
        meanwhile (killed) is dropped on release, never carried out."""
        self.faults.hold(methods)

    def release(self) -> None:
        self.faults.release()

    def enforce_rate_limits(self, enabled: bool = True) -> None:
        self.rate_limits.enabled = enabled
        self.rate_limits.reset()

    # internals

    def _state(self, chat: ChatRef) -> ChatState:
        return self.world.chat_state(chat)

    def _group(self, chat: ChatRef) -> ChatState:
        state = self._state(chat)
        if not state.is_group:
            raise ValueError(f"chat {state.chat.id} is not a group")
        return state

    def _from_bot(self, message: Message) -> bool:
        return message.from_user is not None and message.from_user.id == self.bot_id

    def _join(self, state: ChatState, user: User) -> None:
        """A user who writes in a group is in it (the emulator adds them without ceremony)."""
        if state.is_group and state.status(user.id) not in PRESENT:
            state.members[user.id] = MEMBER

    def _deliver(self, message: Message) -> None:
        self.backend.queue_message(message)

    def _photo(self, data: bytes | None, width: int, height: int) -> SentFile:
        if data is None:
            data = sample_png(width, height)
        width, height = image_size(data)
        return self.world.store_file(data, kind="photo", width=width, height=height)

    def _caption(self, caption: str | None) -> dict[str, Any]:
        if caption is None:
            return {}
        return {
            "caption": caption,
            "caption_html": caption,
            "caption_entities": auto_entities(caption),
        }

    async def _post(
        self, user: User, chat: ChatRef, reply_to: MessageRef | None, **fields: Any
    ) -> Message:
        state = self._state(chat)
        if state.chat.type == "private":
            if state.chat.id != user.id:
                raise ValueError(
                    f"{user.full_name} cannot write in the private chat of user {state.chat.id}"
                )
            self.world.started.add(user.id)
            if user.id in self.world.blocked:
                self.unblock(user)  # writing to a blocked bot restarts it, as in the apps
        elif state.migrated_to is not None:
            raise ValueError(f"chat {state.chat.id} was upgraded to {state.migrated_to}")
        self._join(state, user)
        reply_id = reply_to.message_id if isinstance(reply_to, Message) else reply_to
        if reply_id is not None and reply_id not in state.messages:
            raise LookupError(f"no message {reply_id} in chat {state.chat.id} to reply to")
        message = self.world.add_message(
            state, from_user=user, reply_to_message_id=reply_id, **fields
        )
        self._deliver(message)
        await asyncio.sleep(0)
        return message

    def _current(self, message: Message) -> Message:
        state = self._state(message.chat_id)
        current = state.messages.get(message.message_id)
        if current is None or current.deleted:
            raise LookupError(f"message {message.message_id} in chat {message.chat_id} was deleted")
        return current

    async def _press(self, user: User, message: Message, data: str, wait: float) -> CallbackAnswer:
        pending = self.backend.new_callback(user, message, data)
        payload = {
            "id": pending.query_id,
            "from": user_json(user),
            "message": self.backend.message_json(message),
            "chat_instance": str(abs(hash((message.chat_id, self.bot_id)))),
            "data": data,
        }
        if self.update_queue.push("callback_query", payload) is None:
            raise RuntimeError("the bot's allowed_updates exclude callback_query")
        try:
            return await asyncio.wait_for(asyncio.shield(pending.future), wait)
        except TimeoutError:
            raise TimeoutError(
                f"the bot did not answer the callback query {data!r} within {wait}s"
            ) from None


def _location(latitude: float, longitude: float) -> Location:
    """A point the apps could share: they never send coordinates off the globe."""
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise ValueError(f"({latitude}, {longitude}) is not a place on Earth")
    return Location(latitude, longitude)
