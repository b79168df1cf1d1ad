"""The guided report in private chat, all buttons, for residents who type little: grid, category,
text (or a voice message or photos), location, photos, "show my name?", confirm (the steps after
the grid are in report_steps.py).

A draft lives in user_data until it is submitted; a dialog left alone for 30 minutes ends.
"""

from __future__ import annotations

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

from bot.context import CustomContext
from bot.core import callbacks as keyboards
from bot.core.dialog_ends import cancel_handlers
from bot.core.dialog_steps import guided_dialog
from bot.core.replies import command_text, reply, usage
from bot.issues.attachments import media_problem, photo_of, voice_of
from bot.issues.handlers import REPORT_CAPTION, text_problem
from bot.issues.report_steps import (
    ANON,
    CATEGORY,
    CONFIRM,
    DRAFT,
    GRID,
    LOCATION,
    PHOTO,
    PREFIX,
    TEXT,
    ask_category,
    cancel_row,
    on_anonymous,
    on_cancel,
    on_category,
    on_extra_photo,
    on_location,
    on_photo,
    on_stray,
    on_submit,
    on_text,
    on_timeout,
    on_unsupported,
    set_grid,
)


async def begin(
    update: Update,
    context: CustomContext,
    *,
    priority: str,
    text: str = "",
    chat_id: int | None = None,
    photos: tuple[str, ...] = (),
    voice: str | None = None,
    album: str | None = None,
) -> int:
    """A new draft; `album`: the media_group_id of its captioned photo (the album's other
    photos join it as they arrive, whichever step the dialog is at)."""
    assert context.user_data is not None
    context.user_data[DRAFT] = {
        "priority": priority,
        "text": text,
        "photos": list(photos),
        "voice": voice,
        "album": album,
    }
    if chat_id is not None:
        grid = context.registry.chat_grid(chat_id)
        if grid is not None:
            set_grid(context, grid.id)
            return await ask_category(update, context)
    grids = [g for c in context.registry.communities() for g in context.registry.grids_of(c.id)]
    own = own_grids(context)
    if len(own) == 1:  # not asked what the bot knows: the one grid group they write in
        set_grid(context, own[0])
        return await ask_category(update, context)
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
        set_grid(context, grids[0].id)
        return await ask_category(update, context)
    if len({g.community_id for g in grids}) == 1:  # one community: only its grid is asked
        return await ask_grid(update, context, grids[0].community_id)
    return await ask_community(update, context)


def own_grids(context: CustomContext) -> list[int]:
    """The grids of the groups the user is known to be in (the membership cache only)."""
    registry, user_id = context.registry, context.origin.user_id
    found = {
        chat.grid_id
        for community in registry.communities()
        for chat in registry.group_chats(community.id)
        if chat.grid_id is not None and registry.memberships.known(chat.id, user_id)
    }
    return sorted(found)


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
    refused = media_problem(context.t, message)
    if refused is not None:
        await reply(update, refused)
        return ConversationHandler.END
    problem = text_problem(context.t, text) if text else None
    if problem is not None:
        await reply(update, usage(context.t, problem, "/report 3号楼门口路灯不亮"))
        return ConversationHandler.END
    photo = photo_of(message)
    return await begin(
        update,
        context,
        priority=priority,
        text=text,
        photos=(photo,) if photo is not None else (),
        voice=voice_of(message),
        album=message.media_group_id,
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
        InlineKeyboardMarkup([*keyboards.rows(buttons, 2).inline_keyboard, cancel_row(t)]),
    )
    return GRID


async def ask_grid(update: Update, context: CustomContext, community_id: int) -> int:
    grids = context.registry.grids_of(community_id)
    if len(grids) == 1:
        set_grid(context, grids[0].id)
        return await ask_category(update, context)
    t = context.t
    buttons = [keyboards.button(g.name, PREFIX, "g", g.id) for g in grids[:40]]
    await reply(
        update,
        t._("Which grid?"),
        InlineKeyboardMarkup([*keyboards.rows(buttons, 3).inline_keyboard, cancel_row(t)]),
    )
    return GRID


async def on_grid_step(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    kind = data.text(0) if data else None
    number = data.number(1) if data else None
    await query.answer()
    if kind == "c" and number is not None and context.registry.community(number) is not None:
        return await ask_grid(update, context, number)
    if kind == "g" and number is not None and context.registry.grid(number) is not None:
        set_grid(context, number)
        return await ask_category(update, context)
    return GRID


def _button(action: str) -> str:
    return rf"^{PREFIX}:{action}(:|$)"


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    cancel = cancel_handlers(on_cancel, _button("cancel"))
    unsupported = (
        filters.Document.ALL
        | filters.Sticker.ALL
        | filters.VIDEO
        | filters.VIDEO_NOTE
        | filters.AUDIO
        | filters.ANIMATION
    )
    stray: list[BaseHandler[Update, CustomContext, object]] = [
        MessageHandler(private & filters.PHOTO, on_extra_photo),
        MessageHandler(private & unsupported, on_unsupported),
        MessageHandler(private & ~filters.COMMAND, on_stray),
        CallbackQueryHandler(on_stray, pattern=rf"^{PREFIX}:"),
    ]
    app.add_handler(_conversation(private, cancel, stray))


def _conversation(
    private: filters.BaseFilter,
    cancel: list[BaseHandler[Update, CustomContext, object]],
    stray: list[BaseHandler[Update, CustomContext, object]],
) -> ConversationHandler[CustomContext]:
    media = filters.TEXT & ~filters.COMMAND | filters.VOICE | filters.PHOTO
    return guided_dialog(
        "report",
        [
            CommandHandler(["report", "urgent"], on_report_command, filters=private),
            CommandHandler(
                "start", on_deep_link, filters=private & filters.Regex(r"^/start r-?\d+\s*$")
            ),
            CallbackQueryHandler(on_menu, pattern=r"^menu:report$"),
            MessageHandler(private & filters.CaptionRegex(REPORT_CAPTION), on_report_media),
        ],
        {
            GRID: [CallbackQueryHandler(on_grid_step, pattern=_button("[cg]"))],
            CATEGORY: [CallbackQueryHandler(on_category, pattern=_button("cat"))],
            TEXT: [MessageHandler(private & media, on_text)],
            LOCATION: [
                CallbackQueryHandler(on_location, pattern=_button("skip")),
                MessageHandler(
                    private & (filters.LOCATION | filters.TEXT & ~filters.COMMAND), on_location
                ),
            ],
            PHOTO: [
                CallbackQueryHandler(on_photo, pattern=_button("skip")),
                MessageHandler(private & filters.PHOTO, on_photo),
            ],
            ANON: [CallbackQueryHandler(on_anonymous, pattern=_button("anon"))],
            CONFIRM: [CallbackQueryHandler(on_submit, pattern=_button("submit"))],
        },
        cancel=cancel,
        on_timeout=on_timeout,
        stray=stray,
    )
