"""The guided report in private chat, all buttons, for residents who type little: grid, category,
text (or a voice message or photos), location, photos, "show my name?", confirm.

A draft lives in user_data until it is submitted; a dialog left alone for 30 minutes ends.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import esc
from bot.core.replies import command_text, reply, usage
from bot.issues import views
from bot.issues.handlers import REPORT_CAPTION, TEXT_LIMIT, submit, text_problem
from bot.issues.rules.categories import CATEGORY_KEYS, suggest
from bot.issues.store import NewIssue

PREFIX = "rp"
GRID, CATEGORY, TEXT, LOCATION, PHOTO, ANON, CONFIRM = range(7)
DRAFT = "report_draft"
LOCATION_LIMIT = 200
PHOTO_LIMIT = 10
TIMEOUT_SECONDS = 30 * 60


def _draft(context: CustomContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _cancel_row(t: Translator) -> list[Any]:
    return [keyboards.button(t.p_("button", "✖ Cancel"), PREFIX, "cancel")]


async def begin(
    update: Update,
    context: CustomContext,
    *,
    priority: str,
    text: str = "",
    chat_id: int | None = None,
    photos: tuple[str, ...] = (),
    voice: str | None = None,
) -> int:
    assert context.user_data is not None
    context.user_data[DRAFT] = {
        "priority": priority,
        "text": text,
        "photos": list(photos),
        "voice": voice,
    }
    if chat_id is not None:
        grid = context.registry.chat_grid(chat_id)
        if grid is not None:
            _set_grid(context, grid.id)
            return await ask_category(update, context)
    grids = [g for c in context.registry.communities() for g in context.registry.grids_of(c.id)]
    if not grids:
        await reply(
            update,
            context.t._(
                "No grid group is registered yet, so there is nowhere to report to. "
                "Ask your grid worker to add me to the grid group."
            ),
        )
        return ConversationHandler.END
    if len(grids) == 1:
        _set_grid(context, grids[0].id)
        return await ask_category(update, context)
    return await ask_community(update, context)


def _set_grid(context: CustomContext, grid_id: int) -> None:
    draft = _draft(context)
    grid = context.registry.grid(grid_id)
    assert grid is not None
    draft["grid_id"], draft["community_id"] = grid.id, grid.community_id
    groups = [c for c in context.registry.group_chats(grid.community_id) if c.grid_id == grid.id]
    draft["chat_id"] = groups[0].id if groups else None


async def on_report_command(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    assert message is not None
    priority = "urgent" if (message.text or "").startswith("/urgent") else "minor"
    text = command_text(message)
    problem = text_problem(context.t, text) if text else None
    if problem is not None:
        await reply(update, usage(context.t, problem, "/report 3号楼门口路灯不亮"))
        return ConversationHandler.END
    return await begin(update, context, priority=priority, text=text)


async def on_report_media(update: Update, context: CustomContext) -> int:
    """A photo or voice message captioned "/report …" in private: the dialog, media attached."""
    message = update.effective_message
    assert message is not None
    priority = "urgent" if (message.caption or "").startswith("/urgent") else "minor"
    text = command_text(message)
    problem = text_problem(context.t, text) if text else None
    if problem is not None:
        await reply(update, usage(context.t, problem, "/report 3号楼门口路灯不亮"))
        return ConversationHandler.END
    return await begin(
        update,
        context,
        priority=priority,
        text=text,
        photos=(message.photo[-1].file_id,) if message.photo else (),
        voice=message.voice.file_id if message.voice else None,
    )


async def on_deep_link(update: Update, context: CustomContext) -> int:
    """/start r<group id>: the group's "report privately" button, grid already known."""
    payload = context.args[0] if context.args else ""
    try:
        chat_id = int(payload[1:])
    except ValueError:
        chat_id = None
    return await begin(update, context, priority="minor", chat_id=chat_id)


async def on_menu(update: Update, context: CustomContext) -> int:
    if update.callback_query is not None:
        await update.callback_query.answer()
    return await begin(update, context, priority="minor")


async def ask_community(update: Update, context: CustomContext) -> int:
    t = context.t
    communities = [c for c in context.registry.communities() if context.registry.grid_ids(c.id)]
    buttons = [keyboards.button(c.name, PREFIX, "c", c.id) for c in communities[:30]]
    await reply(
        update,
        t._("📝 <b>Report a problem</b>\nWhich community is it in?"),
        InlineKeyboardMarkup([*keyboards.rows(buttons, 2).inline_keyboard, _cancel_row(t)]),
    )
    return GRID


async def on_grid_step(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    kind = data.text(0) if data else None
    number = data.number(1) if data else None
    await query.answer()
    t = context.t
    if kind == "c" and number is not None and context.registry.community(number) is not None:
        grids = context.registry.grids_of(number)
        if len(grids) == 1:
            _set_grid(context, grids[0].id)
            return await ask_category(update, context)
        buttons = [keyboards.button(g.name, PREFIX, "g", g.id) for g in grids[:40]]
        await reply(
            update,
            t._("Which grid?"),
            InlineKeyboardMarkup([*keyboards.rows(buttons, 3).inline_keyboard, _cancel_row(t)]),
        )
        return GRID
    if kind == "g" and number is not None and context.registry.grid(number) is not None:
        _set_grid(context, number)
        return await ask_category(update, context)
    return GRID


async def ask_category(update: Update, context: CustomContext) -> int:
    t = context.t
    draft = _draft(context)
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
        InlineKeyboardMarkup([*keyboards.rows(buttons, 2).inline_keyboard, _cancel_row(t)]),
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
    draft = _draft(context)
    draft["category"] = key
    if draft.get("text") or draft.get("voice") or draft["photos"]:
        return await ask_location(update, context)
    await reply(
        update,
        context.t._(
            "Describe the problem in a message. You can also send a voice message or photos instead."
        ),
        InlineKeyboardMarkup([_cancel_row(context.t)]),
    )
    return TEXT


async def on_text(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    assert message is not None
    t = context.t
    draft = _draft(context)
    if message.voice is not None:
        draft["voice"] = message.voice.file_id
    elif message.photo:
        draft["photos"].append(message.photo[-1].file_id)
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
            [[keyboards.button(t.p_("button", "Skip ›"), PREFIX, "skip")], _cancel_row(t)]
        ),
    )
    return LOCATION


async def on_location(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    draft = _draft(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif message is not None and message.location is not None:
        draft["latitude"], draft["longitude"] = (
            message.location.latitude,
            message.location.longitude,
        )
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
    draft = _draft(context)
    text = (
        t._("Add photos? Send them now, then tap “Done”.")
        if not draft["photos"]
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
            [[keyboards.button(t.p_("button", "Done ›"), PREFIX, "skip")], _cancel_row(t)]
        ),
    )
    return PHOTO


async def on_photo(update: Update, context: CustomContext) -> int:
    message = update.effective_message
    draft = _draft(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
        return await ask_anonymous(update, context)
    if message is not None and message.photo:
        if len(draft["photos"]) >= PHOTO_LIMIT:
            await reply(
                update,
                context.t._("That is enough photos ({limit}). Tap “Done”.").format(
                    limit=PHOTO_LIMIT
                ),
            )
            return PHOTO
        draft["photos"].append(message.photo[-1].file_id)
        return await ask_photo(update, context)
    return PHOTO


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
                _cancel_row(t),
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
    draft = _draft(context)
    draft["anonymous"] = bool(choice)
    t = context.t
    _, user_id = ids(update)
    preview = [t._("<b>Please check your report:</b>")]
    grid = context.registry.grid(draft["grid_id"])
    community = context.registry.community(draft["community_id"])
    if grid and community:
        preview.append(f"🏘 {esc(community.name)} · {esc(grid.name)}")
    preview.append(views.category_name(t, draft["category"]))
    if draft.get("priority") == "urgent":
        preview.append("🚨 " + views.priority_name(t, "urgent"))
    if draft.get("text"):
        preview.append(esc(draft["text"]))
    if draft.get("voice"):
        preview.append(t._("🎤 voice message"))
    if draft.get("location_text"):
        preview.append("📍 " + esc(draft["location_text"]))
    if draft.get("latitude") is not None:
        preview.append(
            "📍 "
            + t._("map location {lat}, {lon}").format(
                lat=f"{draft['latitude']:.5f}", lon=f"{draft['longitude']:.5f}"
            )
        )
    if draft["photos"]:
        preview.append(
            t.n_("📷 {n} photo", "📷 {n} photos", len(draft["photos"])).format(
                n=len(draft["photos"])
            )
        )
    preview.append(
        t._("🙈 Your name is not shown to the group.")
        if draft["anonymous"]
        else t._("👤 Shown as {name}.").format(name=esc(context.notifier.name(user_id)))
    )
    await reply(
        update,
        "\n".join(preview),
        InlineKeyboardMarkup(
            [
                [
                    keyboards.button(t.p_("button", "✅ Submit"), PREFIX, "submit"),
                    keyboards.button(t.p_("button", "✖ Cancel"), PREFIX, "cancel"),
                ]
            ]
        ),
    )
    return CONFIRM


async def on_submit(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, user_id = ids(update)
    draft = _draft(context)
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


async def on_cancel(update: Update, context: CustomContext) -> int:
    if update.callback_query is not None:
        await update.callback_query.answer()
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    await reply(update, context.t._("Cancelled; nothing was reported."))
    return ConversationHandler.END


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


async def on_timeout(update: Update, context: CustomContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def _button(action: str) -> str:
    return rf"^{PREFIX}:{action}(:|$)"


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    cancel: list[BaseHandler[Update, CustomContext, object]] = [
        CallbackQueryHandler(on_cancel, pattern=_button("cancel")),
        CommandHandler(
            "cancel", on_cancel, filters=private & filters.Regex(r"^/cancel(@\w+)?\s*$")
        ),
    ]
    stray: list[BaseHandler[Update, CustomContext, object]] = [
        MessageHandler(private & ~filters.COMMAND, on_stray),
        CallbackQueryHandler(on_stray, pattern=rf"^{PREFIX}:"),
    ]
    with warnings.catch_warnings():
        # per_message=False is meant: the dialog follows the user, whichever message they press.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = _conversation(private, cancel, stray)
    app.add_handler(conversation)


def _conversation(
    private: filters.BaseFilter,
    cancel: list[BaseHandler[Update, CustomContext, object]],
    stray: list[BaseHandler[Update, CustomContext, object]],
) -> ConversationHandler[CustomContext]:
    media = filters.TEXT & ~filters.COMMAND | filters.VOICE | filters.PHOTO
    return ConversationHandler(
        entry_points=[
            CommandHandler(["report", "urgent"], on_report_command, filters=private),
            CommandHandler(
                "start", on_deep_link, filters=private & filters.Regex(r"^/start r-?\d+\s*$")
            ),
            CallbackQueryHandler(on_menu, pattern=r"^menu:report$"),
            MessageHandler(private & filters.CaptionRegex(REPORT_CAPTION), on_report_media),
        ],
        states={
            GRID: [*cancel, CallbackQueryHandler(on_grid_step, pattern=_button("[cg]"))],
            CATEGORY: [*cancel, CallbackQueryHandler(on_category, pattern=_button("cat"))],
            TEXT: [*cancel, MessageHandler(private & media, on_text)],
            LOCATION: [
                *cancel,
                CallbackQueryHandler(on_location, pattern=_button("skip")),
                MessageHandler(
                    private & (filters.LOCATION | filters.TEXT & ~filters.COMMAND), on_location
                ),
            ],
            PHOTO: [
                *cancel,
                CallbackQueryHandler(on_photo, pattern=_button("skip")),
                MessageHandler(private & filters.PHOTO, on_photo),
            ],
            ANON: [*cancel, CallbackQueryHandler(on_anonymous, pattern=_button("anon"))],
            CONFIRM: [*cancel, CallbackQueryHandler(on_submit, pattern=_button("submit"))],
            ConversationHandler.TIMEOUT: [MessageHandler(filters.ALL, on_timeout)],
        },
        fallbacks=[*cancel, *stray],
        conversation_timeout=TIMEOUT_SECONDS,
        name="report",
        allow_reentry=True,
    )
