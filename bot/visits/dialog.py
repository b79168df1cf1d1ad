"""/visit in private with no arguments: a guided form, one question at a time — community (when
several), title (or the default 接访进小区), date and time, place, its grids (buttons), its agenda
from those grids' open and escalated issues (buttons, several) — ending in the same preview with
Publish as the one-line form. Persisted like the other dialogs (bot/core/dialogs.py)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.dialog_ends import cancel_handlers, endings
from bot.core.dialog_steps import community_step, guided_dialog
from bot.core.i18n import N_
from bot.core.replies import reply
from bot.core.roles import Action, roles_for
from bot.core.scope import candidates
from bot.visits import rules, views
from bot.visits.handlers import may_arrange, show_draft

PREFIX = "nv"
COMMUNITY, TITLE, WHEN, PLACE, GRIDS, AGENDA = range(6)
FORM = "visit_form"


def _form(context: CustomContext) -> dict[str, Any]:
    assert context.user_data is not None
    form: dict[str, Any] = context.user_data.setdefault(FORM, {})
    return form


def _cancel_row(context: CustomContext) -> list[Any]:
    return [keyboards.button(context.t.p_("button", "✖ Cancel"), PREFIX, "cancel")]


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "").strip() if message else ""


async def begin(update: Update, context: CustomContext) -> int:
    if not await may_arrange(update, context):
        return ConversationHandler.END
    _, user_id = ids(update)
    mine = candidates(context.registry, user_id, context.settings.admins, roles_for(Action.VISIT))
    assert context.user_data is not None
    context.user_data[FORM] = {}
    if len(mine) == 1:
        _form(context)["community_id"] = mine[0].id
        return await ask_title(update, context)
    buttons = [keyboards.button(c.name, PREFIX, "c", c.id) for c in mine[:30]]
    t = context.t
    await reply(update, t._("🏘 <b>New visit</b>\nFor which community?"), keyboards.rows(buttons))
    return COMMUNITY


async def ask_title(update: Update, context: CustomContext) -> int:
    t = context.t
    default = keyboards.button(
        t.p_("button", "Use “{title}”").format(title=t._("On-site visit")), PREFIX, "deftitle"
    )
    markup = InlineKeyboardMarkup([[default], _cancel_row(context)])
    await reply(
        update, t._("🏘 <b>New visit</b>\nIts title? Write it, or use the usual one."), markup
    )
    return TITLE


on_community = community_step(FORM, Action.VISIT, COMMUNITY, ask_title)


async def on_title(update: Update, context: CustomContext) -> int:
    t = context.t
    if update.callback_query is not None:
        await update.callback_query.answer()
        title = ""  # the default, named in each reader's language
    else:
        title = _text(update)
        if not 1 <= len(title) <= rules.TITLE_LIMIT:
            await reply(update, views.problem(t, "title", rules.TITLE_LIMIT))
            return TITLE
    _form(context)["title"] = title
    markup = InlineKeyboardMarkup([_cancel_row(context)])
    await reply(update, t._("When? Write YYYY-MM-DD HH:MM, e.g. 2026-12-20 15:00."), markup)
    return WHEN


async def on_when(update: Update, context: CustomContext) -> int:
    t = context.t
    start = rules.parse_when(_text(update), context.settings.tz)
    if start is None:
        await reply(update, views.problem(t, "when"))
        return WHEN
    problem = rules.problem_with_start(start, context.visits.now())
    if problem is not None:
        await reply(update, views.problem(t, problem))
        return WHEN
    _form(context)["start"] = start
    await reply(update, t._("Where?"), InlineKeyboardMarkup([_cancel_row(context)]))
    return PLACE


async def on_place(update: Update, context: CustomContext) -> int:
    t = context.t
    place = _text(update)
    if not 1 <= len(place) <= rules.PLACE_LIMIT:
        await reply(update, views.problem(t, "place", rules.PLACE_LIMIT))
        return PLACE
    _form(context).update(place=place, grids=[])
    await reply(update, t._("For which grids? Choose one or more."), grid_buttons(context))
    return GRIDS


def grid_buttons(context: CustomContext) -> InlineKeyboardMarkup:
    form, t = _form(context), context.t
    grids = context.registry.grids_of(form["community_id"])[:40]
    chosen = form.get("grids", [])
    buttons = [
        keyboards.button(("✅ " if g.id in chosen else "") + g.name, PREFIX, "g", g.id)
        for g in grids
    ]
    markup = keyboards.rows(buttons, 2).inline_keyboard
    done = keyboards.button(t.p_("button", "➡ Next"), PREFIX, "next")
    return InlineKeyboardMarkup([*markup, [done], _cancel_row(context)])


async def on_grid(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    grid_id = data.number(1) if data else None
    form = _form(context)
    grid = context.registry.grid(grid_id) if grid_id is not None else None
    if grid is None or grid.community_id != form.get("community_id"):
        await query.answer(context.ut._("This button is no longer valid."))
        return GRIDS
    await query.answer()
    chosen: list[int] = form.setdefault("grids", [])
    chosen.remove(grid.id) if grid.id in chosen else chosen.append(grid.id)
    await query.edit_message_reply_markup(grid_buttons(context))
    return GRIDS


async def on_grids_done(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    form, ut = _form(context), context.ut
    if not form.get("grids"):
        await query.answer(ut._("Choose at least one grid."), show_alert=True)
        return GRIDS
    choices = await context.visits.choices(form["grids"])
    if not choices:
        await query.answer(ut._("These grids have no open or escalated issue."), show_alert=True)
        return GRIDS
    await query.answer()
    await query.edit_message_reply_markup(None)
    form.update(choices=[(c.id, views.choice_label(c, False)) for c in choices], items=[])
    text = context.t._("Its agenda? Choose the issues, then preview.")
    await reply(update, text, agenda_buttons(context))
    return AGENDA


def agenda_buttons(context: CustomContext) -> InlineKeyboardMarkup:
    form, t = _form(context), context.t
    chosen = form.get("items", [])
    rows = [
        [keyboards.button(("✅ " if i in chosen else "") + label, PREFIX, "i", i)]
        for i, label in form.get("choices", [])
    ]
    done = keyboards.button(t.p_("button", "👀 Preview"), PREFIX, "preview")
    return InlineKeyboardMarkup([*rows, [done], _cancel_row(context)])


async def on_item(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    issue_id = data.number(1) if data else None
    form = _form(context)
    if issue_id is None or issue_id not in [i for i, _ in form.get("choices", [])]:
        await query.answer(context.ut._("This button is no longer valid."))
        return AGENDA
    chosen: list[int] = form.setdefault("items", [])
    if issue_id not in chosen and len(chosen) >= rules.AGENDA_LIMIT:
        await query.answer(views.problem(context.ut, "agenda", rules.AGENDA_LIMIT), show_alert=True)
        return AGENDA
    await query.answer()
    chosen.remove(issue_id) if issue_id in chosen else chosen.append(issue_id)
    await query.edit_message_reply_markup(agenda_buttons(context))
    return AGENDA


async def on_preview(update: Update, context: CustomContext) -> int:
    query = update.callback_query
    assert query is not None
    form = _form(context)
    if not form.get("items"):
        await query.answer(views.problem(context.ut, "agenda", rules.AGENDA_LIMIT), show_alert=True)
        return AGENDA
    await query.answer()
    await query.edit_message_reply_markup(None)
    assert context.user_data is not None
    context.user_data.pop(FORM, None)
    community_id = form["community_id"]
    result = await context.visits.draft(
        context.origin,
        community_id,
        form["title"],
        form["start"],
        form["place"],
        form["items"],
        form["grids"],
    )
    await show_draft(update, context, result, context.people.community_name(community_id))
    return ConversationHandler.END


on_cancel, on_timeout = endings(FORM, N_("Cancelled; nothing was created."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before every /cancel and /visit handler: a bare /visit in private opens the form."""
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND

    def button(callback: Any, what: str) -> CallbackQueryHandler[CustomContext, object]:
        return CallbackQueryHandler(callback, pattern=rf"^{PREFIX}:{what}(:|$)")

    entry = filters.Regex(r"^/visit(@\w+)?\s*$")
    conversation = guided_dialog(
        "visit",
        [CommandHandler("visit", begin, filters=private & entry)],
        {
            COMMUNITY: [button(on_community, "c")],
            TITLE: [button(on_title, "deftitle"), MessageHandler(text, on_title)],
            WHEN: [MessageHandler(text, on_when)],
            PLACE: [MessageHandler(text, on_place)],
            GRIDS: [button(on_grid, "g"), button(on_grids_done, "next")],
            AGENDA: [button(on_item, "i"), button(on_preview, "preview")],
        },
        cancel=cancel_handlers(on_cancel, rf"^{PREFIX}:cancel$"),
        on_timeout=on_timeout,
    )
    app.add_handler(conversation)
