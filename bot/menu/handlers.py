"""Everyone's commands: /start (the private menu), /help, /lang, and answers to the unknown."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.activities import handlers as activities
from bot.config import SUPPORTED_LOCALES, normalize_locale
from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import PRIVATE, CommandSpec, Where, register_commands, visible_commands
from bot.core.i18n import N_, Translator
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, usage
from bot.core.roles import Action, Actor, Role
from bot.directory import handlers as directory
from bot.issues import handlers as issues
from bot.meetings import handlers as meetings

LANG = "lang"
MENU = "menu"


def role_name(t: Translator, role: Role) -> str:
    names = {
        Role.GRID: t._("grid worker"),
        Role.PROPERTY: t._("property staff"),
        Role.COMMUNITY: t._("community official"),
        Role.ORGANIZER: t._("activity organizer"),
    }
    return names[role]


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    """The private menu: everything a resident does, as buttons (later capabilities add theirs)."""
    return keyboards.rows(
        [
            keyboards.button(t.p_("menu", "📝 Report a problem"), MENU, "report"),
            keyboards.button(t.p_("menu", "📋 My issues"), MENU, "my"),
            keyboards.button(t.p_("menu", "🗂 Issue boards"), MENU, "board"),
            keyboards.button(t.p_("menu", "🎪 Activities"), MENU, "activities"),
            keyboards.button(t.p_("menu", "🍵 Next meeting"), MENU, "meeting"),
            keyboards.button(t.p_("menu", "📇 Contacts"), MENU, "contacts"),
            keyboards.button(t.p_("menu", "❓ Help"), MENU, "help"),
            keyboards.button(t.p_("menu", "🌐 Language"), MENU, "lang"),
        ]
    )


def language_picker(current: Translator, catalogs: list[Translator]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                keyboards.button(
                    ("✓ " if tr.locale == current.locale else "") + tr.display_name,
                    LANG,
                    tr.locale,
                )
                for tr in catalogs
            ]
        ]
    )


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


def help_text(
    t: Translator,
    commands: Sequence[CommandSpec],
    where: Where,
    roles: frozenset[Role],
    *,
    superadmin: bool,
    chat_admin: bool,
    community: str | None,
) -> str:
    lines = [t._("<b>What you can do here</b>")]
    actor = Actor(0, roles, superadmin)
    for spec in visible_commands(commands, where, actor, chat_admin=chat_admin):
        lines.append(f"<code>{esc(t._(spec.usage))}</code> — {esc(t._(spec.description))}")
    if superadmin:
        lines.append(t._("You are a superadmin: you may do everything everywhere."))
    elif roles:
        held = t.p_("list separator", ", ").join(role_name(t, r) for r in sorted(roles))
        if community:
            lines.append(
                t._("Your roles in {community}: {roles}").format(
                    community=esc(community), roles=held
                )
            )
        else:
            lines.append(t._("Your roles: {roles}").format(roles=held))
    if where == Where.GROUP:
        lines.append(t._("In private chat with me there is a menu of buttons: send me /start."))
    return "\n".join(lines)


async def help_command(update: Update, context: CustomContext) -> None:
    await send_help(update, context)


async def send_help(update: Update, context: CustomContext) -> None:
    chat_id, user_id = ids(update)
    storage = context.registry
    superadmin = user_id in context.settings.admins
    if is_private(update):
        roles = frozenset(
            Role(r) for c in storage.communities() for r in storage.roles_of(user_id, c.id)
        )
        text = help_text(
            context.t,
            context.bot_data.commands,
            Where.PRIVATE,
            roles,
            superadmin=superadmin,
            chat_admin=False,
            community=None,
        )
    else:
        grid = storage.chat_grid(chat_id)
        community = storage.community(grid.community_id) if grid else None
        actor = context.actor(user_id, community.id if community else None)
        chat_admin = await is_chat_admin(context, chat_id, user_id)
        text = help_text(
            context.t,
            context.bot_data.commands,
            Where.GROUP,
            actor.roles,
            superadmin=superadmin,
            chat_admin=chat_admin,
            community=community.name if community else None,
        )
        if grid is None:
            text += "\n" + context.t._(
                "This group is not registered yet: a chat administrator sends "
                "<code>/setup &lt;community&gt; &lt;grid&gt;</code>."
            )
    await reply(update, text)


async def is_chat_admin(context: CustomContext, chat_id: int, user_id: int) -> bool:
    member = await context.bot.get_chat_member(chat_id, user_id)
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


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
    storage = context.registry
    if is_private(update):
        await storage.set_user_locale(user_id, locale, update_id=context.update_id)
        new_t = context.catalogs.get(locale)
        await reply(
            update,
            new_t._("Language set to {language}.").format(language=new_t.display_name),
            main_menu(new_t),
        )
        return None
    grid = storage.chat_grid(chat_id)
    actor = context.actor(user_id, grid.community_id if grid else None)
    if not actor.may(Action.SET_GROUP_LANG):
        refusal = context.t._(
            "Only grid workers, property staff and community officials set the group's language. "
            "To change your own, send /lang to me in private chat."
        )
        if update.callback_query is None:
            await reply(update, denied(context.t, refusal), private_link(context))
        return refusal
    await storage.set_chat_locale(chat_id, locale, update_id=context.update_id)
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
    query = update.callback_query
    if query is None:
        return
    data = keyboards.decode(query.data)
    choice = data.text(0) if data else None
    await query.answer()
    if choice == "help":
        await send_help(update, context)
    elif choice == "my":
        await issues.my_issues(update, context)
    elif choice == "board":
        await issues.board(update, context)
    elif choice == "activities":
        await activities.list_activities(update, context)
    elif choice == "meeting":
        await meetings.meeting(update, context)
    elif choice == "contacts":
        await directory.contacts(update, context)
    elif choice == "lang":
        await send_language_picker(update, context)


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
    app.add_handler(CallbackQueryHandler(on_lang_button, pattern=keyboards.pattern(LANG)))
    app.add_handler(CallbackQueryHandler(on_menu_button, pattern=keyboards.pattern(MENU)))


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature, so they only catch what nothing else did."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, private_text)
    )
