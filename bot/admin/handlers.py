"""Groups and roles: /setup, /grant, /revoke, the bot joining or leaving, supergroup upgrades."""

from __future__ import annotations

import logging
import time
import unicodedata
from datetime import UTC, datetime, timedelta

from babel.units import format_unit
from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from bot.context import CustomContext, ids
from bot.core.commands import GROUP, CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.records import Community, UserRecord
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, split_args, usage
from bot.core.roles import Action, Role, parse_role
from bot.delivery.outbox_store import OutboxStore
from bot.meetings import jobs as meeting_jobs
from bot.menu.handlers import is_chat_admin, role_name

log = logging.getLogger(__name__)

NAME_LIMIT = 40
SETUP_USAGE = "/setup 西安村 第8网格"
# Telegram's stand-in sender for anonymous group administrators.
GROUP_ANONYMOUS_BOT = 1087968824


def valid_name(name: str) -> bool:
    """A community or grid name: 1–40 characters, no control characters, not a command."""
    return (
        0 < len(name) <= NAME_LIMIT
        and not name.startswith(("/", "@"))
        and not any(unicodedata.category(ch).startswith("C") for ch in name)
    )


def roles_list(t: Translator) -> str:
    return t.p_("list separator", ", ").join(
        f"<code>{r.value}</code> {role_name(t, r)}" for r in Role
    )


async def setup(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    if is_private(update):
        await reply(
            update,
            usage(t, t._("Send /setup in the group you want to register, not here."), SETUP_USAGE),
        )
        return
    chat_id, user_id = ids(update)
    anonymous_admin = message.sender_chat is not None and message.sender_chat.id == chat_id
    allowed = (
        user_id in context.settings.admins
        or anonymous_admin
        or await is_chat_admin(context, chat_id, user_id)
    )
    if not allowed:
        await reply(update, denied(t, t._("Only this group's administrators can register it.")))
        return
    args = split_args(command_text(message))
    if len(args) != 2:
        problem = (
            t._("Name the community and the grid.")
            if len(args) < 2
            else t._("Too many words: a name with spaces goes in quotes.")
        )
        await reply(update, usage(t, problem, SETUP_USAGE))
        return
    community_name, grid_name = args
    if not (valid_name(community_name) and valid_name(grid_name)):
        await reply(
            update,
            usage(
                t,
                t._("Names are 1 to {limit} characters, without line breaks.").format(
                    limit=NAME_LIMIT
                ),
                SETUP_USAGE,
            ),
        )
        return
    existing = context.registry.community_by_name(community_name)
    if existing is not None:
        community_name = existing.name  # keep the spelling it was created with
    reg = await context.registry.register_chat(
        chat_id, community_name, grid_name, user_id, update_id=context.update_id
    )
    lines = [
        t._("✅ This group is now registered to <b>{community} · {grid}</b>.").format(
            community=esc(reg.community.name), grid=esc(reg.grid.name)
        )
    ]
    if reg.previous_grid is not None and reg.previous_grid.id != reg.grid.id:
        lines.append(
            t._("It was registered to {grid} before.").format(grid=esc(reg.previous_grid.name))
        )
    if reg.new_community:
        lines.append(
            t._(
                "{community} is new here. A superadmin gives people their roles with /grant."
            ).format(community=esc(reg.community.name))
        )
    lines.append(t._("Residents: send /help to see what I can do."))
    await reply(update, "\n".join(lines))
    if reg.new_community:
        await meeting_jobs.schedule_meeting(context.application, reg.community.id)


async def grant(update: Update, context: CustomContext) -> None:
    await change_role(update, context, granted=True)


async def revoke(update: Update, context: CustomContext) -> None:
    await change_role(update, context, granted=False)


async def change_role(update: Update, context: CustomContext, *, granted: bool) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    chat_id, user_id = ids(update)
    command = "/grant" if granted else "/revoke"
    how = (
        f"{command} grid @username"
        if is_private(update) or message.reply_to_message is None
        else (f"{command} grid")
    )
    args = split_args(command_text(message))
    if not args:
        await reply(
            update,
            usage(t, t._("Name the role and the person (or reply to their message)."), how)
            + "\n"
            + t._("Roles: {roles}").format(roles=roles_list(t)),
        )
        return
    role = parse_role(args[0])
    if role is None:
        await reply(
            update,
            usage(t, t._("I don't know the role “{role}”.").format(role=esc(args[0][:40])), how)
            + "\n"
            + t._("Roles: {roles}").format(roles=roles_list(t)),
        )
        return
    rest = args[1:]
    target: UserRecord | None = None
    if rest and rest[0].startswith("@"):
        target = context.registry.user_by_username(rest[0])
        if target is None:
            await reply(
                update,
                usage(
                    t,
                    t._(
                        "I don't know {username} yet: they must first write in a group with me "
                        "or start a private chat with me. You can also reply to their message."
                    ).format(username=esc(rest[0][:40])),
                    how,
                ),
            )
            return
        rest = rest[1:]
    elif message.reply_to_message is not None:
        target = reply_target(context, message.reply_to_message)
        if target is None:
            await reply(update, usage(t, t._("Reply to a message written by a person."), how))
            return
    else:
        await reply(
            update, usage(t, t._("Whom? Name them with @username or reply to their message."), how)
        )
        return

    community = await pick_community(update, context, user_id, chat_id, rest, how)
    if community is None:
        return
    actor = context.actor(user_id, community.id)
    if not actor.may(Action.GRANT):
        await reply(
            update,
            denied(
                t,
                t._("Only community officials of {community} give or take roles.").format(
                    community=esc(community.name)
                ),
            ),
        )
        return
    changed = await context.registry.set_role(
        target.id,
        community.id,
        role.value,
        granted=granted,
        by=user_id,
        update_id=context.update_id,
    )
    who = esc(f"@{target.username}" if target.username else target.full_name)
    values = {"who": who, "role": role_name(t, role), "community": esc(community.name)}
    if granted:
        text = (
            t._("✅ {who} is now {role} of {community}.")
            if changed
            else t._("{who} is already {role} of {community}.")
        )
    else:
        text = (
            t._("✅ {who} is no longer {role} of {community}.")
            if changed
            else t._("{who} is not {role} of {community}: nothing to take back.")
        )
    await reply(update, text.format(**values))


def reply_target(context: CustomContext, replied: Message) -> UserRecord | None:
    author = replied.from_user
    if author is None or author.is_bot:
        return None
    return context.registry.user(author.id)


async def pick_community(
    update: Update, context: CustomContext, user_id: int, chat_id: int, rest: list[str], how: str
) -> Community | None:
    """The community a role command is about: the group's, or in private the one named or held."""
    t = context.t
    storage = context.registry
    if not is_private(update):
        grid = storage.chat_grid(chat_id)
        if grid is None:
            await reply(
                update,
                usage(t, t._("This group is not registered yet; register it first."), SETUP_USAGE),
            )
            return None
        return storage.community(grid.community_id)
    if rest:
        name = " ".join(rest)
        community = storage.community_by_name(name)
        if community is None:
            await reply(
                update,
                usage(
                    t,
                    t._("There is no community “{name}”.").format(name=esc(name[:40])),
                    how + " 西安村",
                ),
            )
        return community
    if user_id in context.settings.admins:
        candidates = storage.communities()
    else:
        candidates = storage.communities_of(user_id, [Role.COMMUNITY.value])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        await reply(
            update,
            denied(t, t._("You are not a community official anywhere, so you cannot give roles.")),
        )
        return None
    names = t.p_("list separator", ", ").join(esc(c.name) for c in candidates)
    await reply(
        update,
        usage(
            t,
            t._("Which community? Add its name: one of {names}.").format(names=names),
            how + " " + candidates[0].name,
        ),
    )
    return None


async def on_my_chat_member(update: Update, context: CustomContext) -> None:
    """The bot was added to or removed from a group."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    status = change.new_chat_member.status
    chat_id = change.chat.id
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await context.registry.set_chat_active(chat_id, False)
        log.info("removed from chat %s: marked inactive", chat_id)
        return
    was_member = change.old_chat_member.status not in (
        ChatMemberStatus.LEFT,
        ChatMemberStatus.BANNED,
    )
    await context.registry.set_chat_active(chat_id, True)
    if was_member:
        return
    t = context.t
    text = t._(
        "Hello, I'm <b>Mulin 睦邻</b>. I keep track of the problems residents raise, "
        "neighbourhood activities and the monthly residents' meeting.\n"
        "A group administrator registers this group: <code>/setup &lt;community&gt; &lt;grid&gt;</code>, "
        "e.g. <code>{example}</code>."
    ).format(example=esc(SETUP_USAGE))
    await context.bot.send_message(chat_id, text)


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
    if user_id not in context.settings.admins:
        await reply(update, denied(t, t._("Only superadmins see the bot's health.")))
        return
    services = context.bot_data
    uptime = timedelta(seconds=int(time.time() - services.started_at))
    backlog = await OutboxStore(context.db).backlog()
    path = context.settings.db_path
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    last = services.last_error
    error = (
        t._("{kind} at {time}").format(
            kind=esc(last[1]), time=esc(t.when(datetime.fromtimestamp(last[0], UTC)))
        )
        if last
        else t._("none")
    )
    await reply(
        update,
        t._(
            "🩺 <b>Health</b>\nUp for {uptime}\nOutbox: {backlog} messages waiting\n"
            "Last error: {error}\nDatabase: {size}"
        ).format(
            uptime=uptime, backlog=t.number(backlog), error=error, size=format_size(size, t.locale)
        ),
    )


def format_size(size: int, locale: str) -> str:
    megabytes = size / 1_000_000
    return str(format_unit(round(megabytes, 1), "digital-megabyte", length="short", locale=locale))


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
