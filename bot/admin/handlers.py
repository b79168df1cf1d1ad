"""Groups and roles: /setup, /grant, /revoke, /health, the bot joining or leaving, supergroup
upgrades."""

from __future__ import annotations

import logging
import unicodedata

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from bot.admin import views
from bot.admin.service import RoleChanged, RoleUnchanged
from bot.context import CustomContext, ids
from bot.core import events, scope
from bot.core.chat_members import is_chat_admin
from bot.core.commands import GROUP, CommandSpec, register_commands
from bot.core.i18n import N_
from bot.core.records import UserRecord
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, split_args, usage
from bot.core.roles import Action, Role, parse_role

log = logging.getLogger(__name__)

NAME_LIMIT = 40
SETUP_USAGE = views.SETUP_USAGE
EXAMPLE_COMMUNITY = "西安村"


def valid_name(name: str) -> bool:
    """A community or grid name: 1–40 characters, no control characters, not a command."""
    return (
        0 < len(name) <= NAME_LIMIT
        and not name.startswith(("/", "@"))
        and not any(unicodedata.category(ch).startswith("C") for ch in name)
    )


async def may_setup(context: CustomContext, message: Message, chat_id: int, user_id: int) -> bool:
    """Superadmins, and the group's own administrators (asked of Telegram only when needed;
    an anonymous administrator writes as the group itself)."""
    actor = context.actor(user_id, None)
    if actor.may(Action.SETUP):
        return True
    anonymous = message.sender_chat is not None and message.sender_chat.id == chat_id
    chat_admin = anonymous or await is_chat_admin(context.bot, chat_id, user_id)
    return actor.may(Action.SETUP, chat_admin=chat_admin)


def setup_problem(context: CustomContext, args: list[str]) -> str | None:
    t = context.t
    if len(args) < 2:
        return t._("Name the community and the grid.")
    if len(args) > 2:
        return t._("Too many words: a name with spaces goes in quotes.")
    if not all(valid_name(name) for name in args):
        return t._("Names are 1 to {limit} characters, without line breaks.").format(
            limit=NAME_LIMIT
        )
    return None


async def setup(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    if is_private(update):
        elsewhere = t._("Send /setup in the group you want to register, not here.")
        await reply(update, usage(t, elsewhere, SETUP_USAGE))
        return
    chat_id, user_id = ids(update)
    if not await may_setup(context, message, chat_id, user_id):
        await reply(update, denied(t, t._("Only this group's administrators can register it.")))
        return
    args = split_args(command_text(message))
    problem = setup_problem(context, args)
    if problem is not None:
        await reply(update, usage(t, problem, SETUP_USAGE))
        return
    community_name, grid_name = args
    reg = await context.admin.register_group(context.origin, community_name, grid_name)
    await reply(update, views.registered(t, reg))
    if reg.new_community:
        await events.registered(context.application, reg.community.id)


async def grant(update: Update, context: CustomContext) -> None:
    await change_role(update, context, granted=True)


async def revoke(update: Update, context: CustomContext) -> None:
    await change_role(update, context, granted=False)


def role_usage(update: Update, message: Message, granted: bool) -> str:
    command = "/grant" if granted else "/revoke"
    if is_private(update) or message.reply_to_message is None:
        return f"{command} grid @username"
    return f"{command} grid"


async def parse_role_word(
    update: Update, context: CustomContext, args: list[str], how: str
) -> Role | None:
    """The role named first, or None after saying how to name one."""
    t = context.t
    role = parse_role(args[0]) if args else None
    if role is None:
        problem = (
            t._("I don't know the role “{role}”.").format(role=esc(args[0][:40]))
            if args
            else t._("Name the role and the person (or reply to their message).")
        )
        roles = t._("Roles: {roles}").format(roles=views.roles_list(t))
        await reply(update, usage(t, problem, how) + "\n" + roles)
    return role


async def find_target(
    update: Update, context: CustomContext, message: Message, rest: list[str], how: str
) -> tuple[UserRecord, list[str]] | None:
    """Whose role: @username among the words, else the author of the message replied to; and
    the words left. None after saying what was wrong."""
    t = context.t
    if rest and rest[0].startswith("@"):
        target = context.registry.user_by_username(rest[0])
        if target is not None:
            return target, rest[1:]
        problem = t._(
            "I don't know {username} yet: they must first write in a group with me "
            "or start a private chat with me. You can also reply to their message."
        ).format(username=esc(rest[0][:40]))
    elif message.reply_to_message is not None:
        author = reply_target(context, message.reply_to_message)
        if author is not None:
            return author, rest
        problem = t._("Reply to a message written by a person.")
    else:
        problem = t._("Whom? Name them with @username or reply to their message.")
    await reply(update, usage(t, problem, how))
    return None


def reply_target(context: CustomContext, replied: Message) -> UserRecord | None:
    author = replied.from_user
    if author is None or author.is_bot:
        return None
    return context.registry.user(author.id)


async def role_scope(
    update: Update, context: CustomContext, rest: list[str], how: str
) -> scope.Scope | None:
    """The community a role command is about. In private, the words left are the community's
    name (spaces allowed without quotes), and a name that is no community is refused rather
    than ignored."""
    t = context.t
    words = rest
    if is_private(update) and rest:
        name = " ".join(rest)
        if context.registry.community_by_name(name) is None:
            problem = t._("There is no community “{name}”.").format(name=esc(name[:40]))
            await reply(update, usage(t, problem, f"{how} {EXAMPLE_COMMUNITY}"))
            return None
        words = [name]
    return await scope.require(
        update,
        context,
        words,
        action=Action.GRANT,
        how=f"{how} {EXAMPLE_COMMUNITY}",
        nobody=t._("You are not a community official anywhere, so you cannot give roles."),
        refusal=t._("Only community officials of {community} give or take roles."),
    )


async def change_role(update: Update, context: CustomContext, *, granted: bool) -> None:
    message = update.effective_message
    if message is None:
        return
    how = role_usage(update, message, granted)
    args = split_args(command_text(message))
    role = await parse_role_word(update, context, args, how)
    if role is None:
        return
    target = await find_target(update, context, message, args[1:], how)
    if target is None:
        return
    person, rest = target
    found = await role_scope(update, context, rest, how)
    if found is None:
        return
    t, community = context.t, found.community
    who = f"@{person.username}" if person.username else person.full_name

    def said(changed: bool) -> str:
        return views.role_changed(t, who, role, community.name, granted=granted, changed=changed)

    match await context.admin.set_role(
        context.origin, person.id, community.id, role, granted=granted
    ):
        case RoleChanged():
            await reply(update, said(True))
        case RoleUnchanged():
            await reply(update, said(False))


async def on_my_chat_member(update: Update, context: CustomContext) -> None:
    """The bot was added to or removed from a group."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    status = change.new_chat_member.status
    chat_id = change.chat.id
    gone = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
    if status in gone:
        await context.registry.set_chat_active(chat_id, False)
        log.info("removed from chat %s: marked inactive", chat_id)
        return
    await context.registry.set_chat_active(chat_id, True)
    if change.old_chat_member.status in gone:  # newly added: say how to register
        await context.bot.send_message(chat_id, views.welcome(context.t))


async def on_migration(update: Update, context: CustomContext) -> None:
    """A group upgraded to a supergroup: move its registration to the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    if await context.registry.migrate_chat(old, new):
        log.info("chat %s upgraded to supergroup %s: registration moved", old, new)


async def health(update: Update, context: CustomContext) -> None:
    """/health, for superadmins: is it alive, keeping up, and what went wrong last."""
    t = context.t
    _, user_id = ids(update)
    if not context.actor(user_id, None).may(Action.HEALTH):
        await reply(update, denied(t, t._("Only superadmins see the bot's health.")))
        return
    services = context.bot_data
    found = await context.admin.health(services.started_at, services.last_error)
    await reply(update, views.health(t, found.uptime, found.backlog, found.size, found.last_error))


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "health",
        N_("/health"),
        N_("uptime, outbox queue, last error, database size"),
        health,
        action=Action.HEALTH,
        menu=False,
    ),
    CommandSpec(
        "setup",
        N_("/setup <community> <grid>"),
        N_("register this group to a grid"),
        setup,
        where=GROUP,
        action=Action.SETUP,
    ),
    CommandSpec(
        "grant",
        N_("/grant <role> [@user]"),
        N_("give someone a role (grid, property, community, organizer)"),
        grant,
        action=Action.GRANT,
        menu=False,
    ),
    CommandSpec(
        "revoke",
        N_("/revoke <role> [@user]"),
        N_("take a role back"),
        revoke,
        action=Action.GRANT,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migration))
