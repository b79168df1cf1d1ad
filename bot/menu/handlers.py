"""Everyone's commands: /start (the private menu), /help, /lang, and answers to the unknown."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import SUPPORTED_LOCALES, normalize_locale
from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.chat_members import is_chat_admin
from bot.core.commands import PRIVATE, CommandSpec, Where, register_commands
from bot.core.i18n import N_
from bot.core.menu_buttons import menu_button, register_menu_button
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, usage
from bot.core.roles import Action, Role
from bot.menu.views import LANG, MENU, help_text, language_picker, main_menu, unregistered_group


async def start(update: Update, context: CustomContext) -> None:
    t = context.t
    if not is_private(update):
        await reply(update, t._("I'm here. Send /help to see what I can do in this group."))
        return
    payload = context.args[0] if context.args else ""
    if payload == "help":
        await send_help(update, context)
        return
    if payload == "lang":
        await send_language_picker(update, context)
        return
    user = update.effective_user
    name = esc(user.first_name) if user else ""
    text = t._(
        "Hello, {name}! I'm <b>Mulin 睦邻</b>, the helper of your grid group.\n"
        "Tap a button below — no typing needed."
    ).format(name=name)
    await reply(update, text, main_menu(t))


async def help_command(update: Update, context: CustomContext) -> None:
    await send_help(update, context)


async def send_help(update: Update, context: CustomContext) -> None:
    chat_id, user_id = ids(update)
    registry, commands = context.registry, context.bot_data.commands
    if is_private(update):
        actor = context.actor(user_id, None)
        roles = frozenset(
            Role(r) for c in registry.communities() for r in registry.roles_of(user_id, c.id)
        )
        text = help_text(context.t, commands, Where.PRIVATE, roles,
                         superadmin=actor.superadmin, chat_admin=False, community=None)  # fmt: skip
        await reply(update, text)
        return
    grid = registry.chat_grid(chat_id)
    community = registry.community(grid.community_id) if grid else None
    actor = context.actor(user_id, community.id if community else None)
    chat_admin = await is_chat_admin(context.bot, chat_id, user_id)
    text = help_text(
        context.t,
        commands,
        Where.GROUP,
        actor.roles,
        superadmin=actor.superadmin,
        chat_admin=chat_admin,
        community=community.name if community else None,
    )
    if grid is None:
        text += "\n" + unregistered_group(context.t)
    await reply(update, text)


async def lang(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    chat_id, user_id = ids(update)
    t = context.t
    arg = command_text(message)
    if not arg:
        await send_language_picker(update, context)
        return
    locale = normalize_locale(arg.split()[0])
    if locale is None or len(arg.split()) > 1:
        await reply(
            update,
            usage(
                t,
                t._(
                    "I don't know the language “{value}”. Choose zh (中文) or en (English)."
                ).format(value=esc(arg[:40])),
                "/lang zh",
            ),
        )
        return
    await set_language(update, context, chat_id, user_id, locale)


async def set_language(
    update: Update, context: CustomContext, chat_id: int, user_id: int, locale: str
) -> str | None:
    """Apply a language choice; returns a refusal for a popup, or None when done."""
    registry = context.registry
    if is_private(update):
        await registry.set_user_locale(user_id, locale, update_id=context.update_id)
        new_t = context.catalogs.get(locale)
        await reply(
            update,
            new_t._("Language set to {language}.").format(language=new_t.display_name),
            main_menu(new_t),
        )
        return None
    grid = registry.chat_grid(chat_id)
    actor = context.actor(user_id, grid.community_id if grid else None)
    if not actor.may(Action.SET_GROUP_LANG):
        refusal = context.t._(
            "Only grid workers, property staff and community officials set the group's language. "
            "To change your own, send /lang to me in private chat."
        )
        if update.callback_query is None:
            await reply(update, denied(context.t, refusal), private_link(context))
        return refusal
    await registry.set_chat_locale(chat_id, locale, update_id=context.update_id)
    new_t = context.catalogs.get(locale)
    await reply(
        update,
        new_t._("This group's language is now {language}.").format(language=new_t.display_name),
    )
    return None


def private_link(context: CustomContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    context.ut._("Open private chat"), url=f"{context.bot.link}?start=lang"
                )
            ]
        ]
    )


async def on_lang_button(update: Update, context: CustomContext) -> None:
    query = update.callback_query
    if query is None:
        return
    data = keyboards.decode(query.data)
    locale = data.text(0) if data else None
    if locale not in SUPPORTED_LOCALES or update.effective_chat is None:
        await query.answer(context.ut._("This button is no longer valid."))
        return
    assert locale is not None
    chat_id, user_id = ids(update)
    refusal = await set_language(update, context, chat_id, user_id, locale)
    await query.answer(refusal, show_alert=bool(refusal))


async def on_menu_button(update: Update, context: CustomContext) -> None:
    """Each button is answered by the feature that registered it (bot/core/menu_buttons.py)."""
    query = update.callback_query
    if query is None:
        return
    data = keyboards.decode(query.data)
    callback = menu_button(context.bot_data, data.text(0) if data else None)
    if callback is None:
        await query.answer(context.ut._("This button is no longer valid."))
        return
    await query.answer()
    await callback(update, context)


async def send_language_picker(update: Update, context: CustomContext) -> None:
    t = context.t
    text = t._("The language here is {language}. Choose:").format(language=t.display_name)
    await reply(update, text, language_picker(t, context.catalogs.all))


async def unknown_command(update: Update, context: CustomContext) -> None:
    """Private chats and commands addressed to this bot by name get an answer; other bots'
    commands in a group are left alone."""
    message = update.effective_message
    if message is None or not message.text:
        return
    word = message.text.split(maxsplit=1)[0]
    command, _, addressee = word.partition("@")
    if not is_private(update) and addressee.lower() != (context.bot.username or "").lower():
        return  # a bare command, or one for another bot: not ours to answer in a group
    await reply(
        update,
        context.t._("I don't know the command {command}. Send /help to see what I can do.").format(
            command=esc(command[:40])
        ),
    )


async def stale_button(update: Update, context: CustomContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(context.ut._("This button is no longer valid."))


async def private_text(update: Update, context: CustomContext) -> None:
    t = context.t
    await reply(
        update, t._("Tap a button below, or send /help to see what I can do."), main_menu(t)
    )


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", N_("/start"), N_("open the menu"), start, where=PRIVATE),
    CommandSpec("help", N_("/help"), N_("what you can do here"), help_command),
    CommandSpec("lang", N_("/lang zh|en"), N_("choose the language"), lang),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    register_menu_button(app, "help", send_help)
    register_menu_button(app, "lang", send_language_picker)
    app.add_handler(CallbackQueryHandler(on_lang_button, pattern=keyboards.pattern(LANG)))
    app.add_handler(CallbackQueryHandler(on_menu_button, pattern=keyboards.pattern(MENU)))


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature, so they only catch what nothing else did."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, private_text)
    )
