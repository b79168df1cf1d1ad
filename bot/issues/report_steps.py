"""The steps of the guided private report (report_dialog.py): category, text (or a voice
message or photos), location, photos, "show my name?", confirm; and cancelling.

The draft lives in user_data until it is submitted.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ConversationHandler

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.dialog_ends import endings
from bot.core.i18n import N_, Translator
from bot.core.replies import reply
from bot.issues import views
from bot.issues.attachments import media_problem, photo_of
from bot.issues.handlers import TEXT_LIMIT, submit
from bot.issues.service import CATEGORY_KEYS, PHOTO_LIMIT, NewIssue, suggest
from bot.issues.views import answers

PREFIX = "rp"
GRID, CATEGORY, TEXT, LOCATION, PHOTO, ANON, CONFIRM = range(7)
DRAFT = "report_draft"
LOCATION_LIMIT = 200


def draft_of(context: CustomContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def cancel_row(t: Translator) -> list[Any]:
    return [keyboards.button(t.p_("button", "✖ Cancel"), PREFIX, "cancel")]


def set_grid(context: CustomContext, grid_id: int) -> None:
    draft = draft_of(context)
    grid = context.registry.grid(grid_id)
    assert grid is not None
    draft["grid_id"], draft["community_id"] = grid.id, grid.community_id
    groups = [c for c in context.registry.group_chats(grid.community_id) if c.grid_id == grid.id]
    draft["chat_id"] = groups[0].id if groups else None


async def ask_category(update: Update, context: CustomContext) -> int:
    t = context.t
    draft = draft_of(context)
    suggested = suggest(draft["text"]) if draft.get("text") else None
    buttons = [
        keyboards.button(
            ("✓ " if key == suggested else "") + views.category_name(t, key), PREFIX, "cat", key
        )
        for key in CATEGORY_KEYS
    ]
    text = t._("What kind of problem is it?")
    await reply(
        update,
        text,
        InlineKeyboardMarkup([*keyboards.rows(buttons, 2).inline_keyboard, cancel_row(t)]),
    )
    return CATEGORY


async def on_category(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    key = data.text(1) if data else None
    if key not in CATEGORY_KEYS:
        await query.answer(context.ut._("This button is no longer valid."))
        return CATEGORY
    await query.answer()
    draft = draft_of(context)
    draft["category"] = key
    if draft.get("text") or draft.get("voice") or draft["photos"]:
        return await ask_location(update, context)
    await reply(
        update,
        context.t._(
            "Describe the problem in a message. You can also send a voice message or photos instead."
        ),
        InlineKeyboardMarkup([cancel_row(context.t)]),
    )
    return TEXT


def take_photo(t: Translator, draft: dict[str, Any], message: Message) -> str | None:
    """Keep the message's photo in the draft, up to ten; what to tell the sender of one more
    (once per album: its other photos are refused quietly)."""
    album = message.media_group_id
    if len(draft["photos"]) >= PHOTO_LIMIT:
        if album is not None and draft.get("refused") == album:
            return None
        draft["refused"] = album
        return t._("That photo was not kept: a report takes at most {limit} photos.").format(
            limit=PHOTO_LIMIT
        )
    draft["photos"].append(photo_of(message))
    return None


async def on_text(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    assert message is not None
    t = context.t
    draft = draft_of(context)
    refused = media_problem(t, message)
    if refused is not None:
        await reply(update, refused)
        return TEXT
    if message.voice is not None:
        draft["voice"] = message.voice.file_id
    elif message.photo:
        take_photo(t, draft, message)
        draft["album"] = message.media_group_id
    text = (message.text or message.caption or "").strip()
    if text:
        if len(text) > TEXT_LIMIT:
            await reply(
                update,
                t._(
                    "That is {n} characters; a report is at most {limit}. Please shorten it."
                ).format(n=t.number(len(text)), limit=t.number(TEXT_LIMIT)),
            )
            return TEXT
        draft["text"] = text
    if not draft.get("text") and not draft.get("voice") and not draft["photos"]:
        return TEXT
    return await ask_location(update, context)


async def ask_location(update: Update, context: CustomContext) -> int:
    t = context.t
    await reply(
        update,
        t._("Where is it? Type the place (e.g. 3号楼东侧), or send a location with 📎, or skip."),
        InlineKeyboardMarkup(
            [[keyboards.button(t.p_("button", "Skip ›"), PREFIX, "skip")], cancel_row(t)]
        ),
    )
    return LOCATION


async def on_location(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    draft = draft_of(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif message is not None and message.location is not None:
        draft["latitude"], draft["longitude"] = (
            message.location.latitude,
            message.location.longitude,
        )
        if message.venue is not None and message.venue.title.strip():
            # a place chosen from the map has a name: it is the typed place as well
            draft["location_text"] = message.venue.title.strip()[:LOCATION_LIMIT]
    elif message is not None and message.text:
        if len(message.text) > LOCATION_LIMIT:
            await reply(
                update,
                context.t._("Please keep the place under {limit} characters.").format(
                    limit=LOCATION_LIMIT
                ),
            )
            return LOCATION
        draft["location_text"] = message.text.strip()
    return await ask_photo(update, context)


async def ask_photo(update: Update, context: CustomContext) -> int:
    t = context.t
    draft = draft_of(context)
    message = update.effective_message
    in_album = update.callback_query is None and message is not None and message.media_group_id
    text = (
        t._("Add photos? Send them now, then tap “Done”.")
        if not draft["photos"]
        else t._("Photos added. Send more, or tap “Done”.")
        if in_album
        else t.n_(
            "{n} photo added. Send more, or tap “Done”.",
            "{n} photos added. Send more, or tap “Done”.",
            len(draft["photos"]),
        ).format(n=len(draft["photos"]))
    )
    await reply(
        update,
        text,
        InlineKeyboardMarkup(
            [[keyboards.button(t.p_("button", "Done ›"), PREFIX, "skip")], cancel_row(t)]
        ),
    )
    return PHOTO


async def on_photo(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    if update.callback_query is not None:
        await update.callback_query.answer()
        return await ask_anonymous(update, context)
    if message is not None and message.photo:
        await on_extra_photo(update, context)
    return PHOTO


async def on_extra_photo(update: Update, context: CustomContext) -> None:
    """A photo, at whichever step: kept in the draft (the other photos of an album arrive one
    by one, often after the dialog has moved on); answered once per album."""
    message = update.effective_message
    assert message is not None
    draft = draft_of(context)
    album = message.media_group_id
    same_album = album is not None and draft.get("album") == album
    refused = take_photo(context.t, draft, message)
    if refused is not None:
        await reply(update, refused)
    elif not same_album:
        draft["album"] = album
        await ask_photo(update, context)


async def on_unsupported(update: Update, context: CustomContext) -> None:
    """A file, video or sticker during the dialog: why not, and the step stays as it was."""
    message = update.effective_message
    assert message is not None
    await reply(update, media_problem(context.t, message) or "")


async def ask_anonymous(update: Update, context: CustomContext) -> int:
    t = context.t
    await reply(
        update,
        t._(
            "Show your name to the group? Grid workers and property staff always see who reported."
        ),
        InlineKeyboardMarkup(
            [
                [
                    keyboards.button(t.p_("button", "👤 Show my name"), PREFIX, "anon", 0),
                    keyboards.button(t.p_("button", "🙈 Don't show it"), PREFIX, "anon", 1),
                ],
                cancel_row(t),
            ]
        ),
    )
    return ANON


async def on_anonymous(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    choice = data.number(1) if data else None
    if choice not in (0, 1):
        await query.answer(context.ut._("This button is no longer valid."))
        return ANON
    await query.answer()
    draft = draft_of(context)
    draft["anonymous"] = bool(choice)
    t = context.t
    _, user_id = ids(update)
    grid = context.registry.grid(draft["grid_id"])
    community = context.registry.community(draft["community_id"])
    place = f"{community.name} · {grid.name}" if grid and community else None
    text = answers.preview(t, draft, place, context.issues.name(user_id))
    submit_row = [
        keyboards.button(t.p_("button", "✅ Submit"), PREFIX, "submit"),
        keyboards.button(t.p_("button", "✖ Cancel"), PREFIX, "cancel"),
    ]
    await reply(update, text, InlineKeyboardMarkup([submit_row]))
    return CONFIRM


async def on_submit(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, user_id = ids(update)
    draft = draft_of(context)
    new = NewIssue(
        reporter_id=user_id,
        community_id=draft["community_id"],
        grid_id=draft["grid_id"],
        chat_id=draft.get("chat_id"),
        text=draft.get("text", ""),
        category=draft["category"],
        priority=draft.get("priority", "minor"),
        anonymous=bool(draft.get("anonymous")),
        location_text=draft.get("location_text"),
        latitude=draft.get("latitude"),
        longitude=draft.get("longitude"),
        voice_file_id=draft.get("voice"),
        photos=tuple(draft["photos"]),
    )
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    if query.message is not None:
        await query.edit_message_reply_markup(None)
    await submit(update, context, new)
    return ConversationHandler.END


on_cancel, on_timeout = endings(DRAFT, N_("Cancelled; nothing was reported."))


async def on_stray(update: Update, context: CustomContext) -> None:
    """Something the current step does not take: say what it does take."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            context.ut._("Please use the buttons of the last message.")
        )
        return
    await reply(
        update,
        context.t._("I'm in the middle of your report: answer the last question, or tap “Cancel”."),
    )
