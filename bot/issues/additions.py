"""Evidence after the report (SPEC "Evidence"): `/add N [text]`, as a message or as the caption
of a photo or voice note; a photo captioned `/note N …` or `/close N …` by a moderator (before
and after); and the other photos of an album whose captioned photo was a /report or an /add.
Telegram does not treat a caption as a command, so captions are routed here by their words."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import CustomContext
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.replies import command_text, denied, parse_number, reply, usage
from bot.issues import moderation
from bot.issues.attachments import media_problem, photo_of, voice_of
from bot.issues.buttons import EXAMPLES
from bot.issues.handlers import text_too_long
from bot.issues.service import (
    PHOTO_LIMIT,
    Added,
    Addition,
    AlbumFull,
    Command,
    IssueClosed,
    IssueMissing,
    NotPermitted,
)

__all__ = ["COMMANDS", "register"]

ADD_EXAMPLE = "/add 12 今天又积水了"
CAPTION = re.compile(r"^/(add|note|close)(@\w+)?(\s|$)")


def _problem(t: Translator, words: list[str], text: str, has_media: bool) -> str | None:
    if not words:
        return t._("Which issue? Give its number.")
    if parse_number(words[0]) is None:
        return moderation.not_a_number(t, words[0])
    if not text and not has_media:
        return t._(
            "Write what to add after the number, or send a photo or voice note with "
            "“/add 12” as its caption."
        )
    return text_too_long(t, text)


async def add(update: Update, context: CustomContext) -> None:
    """/add N [text], or a photo or voice note captioned so."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    refused = media_problem(t, message)
    if refused is not None:
        await reply(update, refused)
        return
    words = command_text(message).split(maxsplit=1)
    text = words[1].strip() if len(words) > 1 else ""
    photo, voice = photo_of(message), voice_of(message)
    problem = _problem(t, words, text, photo is not None or voice is not None)
    if problem is not None:
        await reply(update, usage(t, problem, ADD_EXAMPLE))
        return
    issue_id = parse_number(words[0])
    assert issue_id is not None
    album = message.media_group_id if photo is not None else None
    addition = Addition(text or None, photo, voice, album)
    match await context.issues.add(context.origin, issue_id, addition):
        case IssueMissing():
            answer = t._("There is no issue #{id}.").format(id=issue_id)
        case NotPermitted():
            answer = denied(
                t,
                t._(
                    "Only the reporter of #{id}, those who follow it (“me too”), and grid "
                    "workers, property staff and officials add to it."
                ).format(id=issue_id),
            )
        case IssueClosed():
            answer = t._("#{id} is closed; nothing more can be added to it.").format(id=issue_id)
        case Added():
            answer = t._("✅ Added to #{id}; its reporter and followers are told.").format(
                id=issue_id
            )
    await reply(update, answer)


async def on_caption(update: Update, context: CustomContext) -> None:
    """A message whose caption is /add, /note or /close: the photo (or /add's voice note) goes
    with the command; anything else gets the reason."""
    message = update.effective_message
    if message is None:
        return
    found = CAPTION.match(message.caption or "")
    if found is None:
        return
    if found.group(1) == "add":
        await add(update, context)
        return
    which = Command.NOTE if found.group(1) == "note" else Command.CLOSE
    t = context.t
    if message.photo:
        await moderation.command(update, context, which, photo=photo_of(message))
        return
    problem = media_problem(t, message) or t._(
        "Only a photo can go with /note or /close; send a voice note with /add."
    )
    await reply(update, usage(t, problem, EXAMPLES[which]))


async def on_album_photo(update: Update, context: CustomContext) -> None:
    """An album's photo without a caption: it joins the issue its captioned photo went to."""
    message = update.effective_message
    if message is None or message.media_group_id is None or not message.photo:
        return
    photo = photo_of(message)
    assert photo is not None
    result = await context.issues.album_photo(context.origin, message.media_group_id, photo)
    if isinstance(result, AlbumFull):
        await reply(
            update,
            context.t._("This photo was not kept: #{id} has its {limit} photos already.").format(
                id=result.issue_id, limit=PHOTO_LIMIT
            ),
        )


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "add",
        N_("/add <N> [text]"),
        N_("add text, a photo or a voice note to an issue"),
        add,
        menu=False,
    ),
)


class _InAlbum(filters.MessageFilter):
    """A message sent as part of an album (it has a media_group_id)."""

    def filter(self, message: Message) -> bool:
        return message.media_group_id is not None


def register(app: Application) -> None:  # type: ignore[type-arg]
    """After the report dialog (which takes a private chat's photos while it runs)."""
    register_commands(app, COMMANDS)
    app.add_handler(MessageHandler(filters.CaptionRegex(CAPTION.pattern), on_caption))
    app.add_handler(MessageHandler(filters.PHOTO & ~filters.CAPTION & _InAlbum(), on_album_photo))
