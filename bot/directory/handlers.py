"""The community roster: /contacts, /addcontact, /removecontact.

Groups see names and roles; phone numbers go only by private message, and only to members of
one of the community's groups (asked of Telegram) or to role holders.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application

from bot.context import CustomContext, ids
from bot.core.commands import CommandSpec, register_commands
from bot.core.db import utcnow
from bot.core.i18n import N_, Translator
from bot.core.records import Community
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, reply, split_args, usage
from bot.core.roles import Action, Role
from bot.directory import views
from bot.directory.rules import normalize_phone
from bot.directory.store import Contact

log = logging.getLogger(__name__)

NAME_LIMIT = 30
BUILDING_LIMIT = 30
ADD_USAGE = "/addcontact building_head 陈阿姨 13812345678 3号楼"
KEEPERS = (Role.GRID.value, Role.COMMUNITY.value)
MEMBER = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER,
          ChatMemberStatus.RESTRICTED)  # fmt: skip


def group_community(context: CustomContext, chat_id: int) -> Community | None:
    grid = context.registry.chat_grid(chat_id)
    return context.registry.community(grid.community_id) if grid else None


async def is_member(context: CustomContext, community_id: int, user_id: int) -> bool:
    """A member of one of the community's groups, as Telegram knows it now."""
    for chat in context.registry.group_chats(community_id):
        try:
            member = await context.bot.get_chat_member(chat.id, user_id)
        except TelegramError:
            continue
        if member.status in MEMBER:
            return True
    return False


async def contacts(update: Update, context: CustomContext) -> None:
    t = context.t
    chat_id, user_id = ids(update)
    if not is_private(update):
        community = group_community(context, chat_id)
        if community is None:
            await reply(update, t._("This group is not registered yet; register it first."))
            return
        roster = await context.contacts.roster(community.id)
        await reply(update, views.roster(t, community.name, roster, phones=False))
        return
    storage = context.registry
    held = storage.communities_of(user_id, [r.value for r in Role])
    candidates = storage.communities() if user_id in context.settings.admins else held
    if not candidates:
        candidates = [c for c in storage.communities() if await is_member(context, c.id, user_id)]
    if not candidates:
        await reply(
            update,
            denied(
                t,
                t._(
                    "Phone numbers are only for members of the community's grid groups. "
                    "Send /contacts in your grid group to see the names."
                ),
            ),
        )
        return
    for community in candidates[:3]:
        roster = await context.contacts.roster(community.id)
        await reply(update, views.roster(t, community.name, roster, phones=True))


async def keeper_community(update: Update, context: CustomContext, how: str) -> Community | None:
    """The community a roster change is about, if the caller may change its roster."""
    t = context.t
    chat_id, user_id = ids(update)
    if not is_private(update):
        community = group_community(context, chat_id)
        if community is None:
            await reply(update, t._("This group is not registered yet; register it first."))
            return None
    else:
        mine = (
            context.registry.communities()
            if user_id in context.settings.admins
            else context.registry.communities_of(user_id, KEEPERS)
        )
        if len(mine) != 1:
            await reply(
                update, usage(t, t._("Send it in a group of the community it is for."), how)
            )
            return None
        community = mine[0]
    actor = context.actor(user_id, community.id)
    if not (actor.holds(Role.GRID) or actor.holds(Role.COMMUNITY)):
        await reply(
            update,
            denied(
                t,
                t._(
                    "Only grid workers and community officials of {community} change its contacts."
                ).format(community=esc(community.name)),
            ),
        )
        return None
    return community


def contact_problem(t: Translator, args: list[str]) -> tuple[Contact | None, str | None]:
    """kind, name, phone (spaces allowed inside: 138 1234 5678), then an optional building."""
    if len(args) < 3:
        return None, t._("Give the kind, the name and the phone number.")
    kind = views.KIND_WORDS.get(args[0].lower())
    if kind is None:
        return None, t._("I don't know the kind “{kind}”.").format(kind=esc(args[0][:20]))
    name, rest = args[1], args[2:]
    if not 1 <= len(name) <= NAME_LIMIT:
        return None, t._("A name is 1 to {limit} characters.").format(limit=NAME_LIMIT)
    phone, used = None, 0
    for k in range(len(rest), 0, -1):
        phone = normalize_phone(" ".join(rest[:k]))
        if phone is not None:
            used = k
            break
    if phone is None:
        return None, t._(
            "“{phone}” is not a phone number: an 11-digit mobile (13812345678) or a landline "
            "with its area code (0595-85123456)."
        ).format(phone=esc(rest[0][:30]))
    extra = rest[used:]
    if len(extra) > 1:
        return None, t._("Too many words: a name with spaces goes in quotes.")
    building = extra[0] if extra else None
    if building is not None and len(building) > BUILDING_LIMIT:
        return None, t._("A building is at most {limit} characters.").format(limit=BUILDING_LIMIT)
    return Contact(kind, name, phone, building), None


async def add_contact(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    community = await keeper_community(update, context, ADD_USAGE)
    if community is None:
        return
    contact, problem = contact_problem(t, split_args(command_text(message)))
    if contact is None:
        text = usage(t, problem or "", ADD_USAGE)
        await reply(update, text + "\n" + t._("Kinds: {kinds}").format(kinds=views.kinds_list(t)))
        return
    _, user_id = ids(update)
    added = await context.contacts.add(
        community.id, contact, by=user_id, now=utcnow(), update_id=context.update_id
    )
    values = {
        "name": esc(contact.name),
        "kind": t._(views.KIND_NAMES[contact.kind]),
        "community": esc(community.name),
    }
    text = (
        t._("✅ {name} is now on {community}'s contacts ({kind}).")
        if added
        else t._("✅ {name}'s entry on {community}'s contacts is updated ({kind}).")
    ).format(**values)
    await reply(update, text)


async def remove_contact(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    how = "/removecontact 陈阿姨"
    community = await keeper_community(update, context, how)
    if community is None:
        return
    name = command_text(message).strip().strip('"“”')
    if not name:
        await reply(update, usage(t, t._("Whose entry? Give the name."), how))
        return
    removed = await context.contacts.remove(community.id, name, update_id=context.update_id)
    text = (
        t._("✅ {name} is no longer on {community}'s contacts.")
        if removed
        else t._("{name} is not on {community}'s contacts.")
    ).format(name=esc(name[:NAME_LIMIT]), community=esc(community.name))
    await reply(update, text)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "contacts", N_("/contacts"), N_("the community's contacts (phones in private)"), contacts
    ),
    CommandSpec(
        "addcontact",
        N_("/addcontact <kind> <name> <phone> [building]"),
        N_("add someone to the contacts"),
        add_contact,
        action=Action.EDIT_CONTACTS,
        menu=False,
    ),
    CommandSpec(
        "removecontact",
        N_("/removecontact <name>"),
        N_("remove someone from the contacts"),
        remove_contact,
        action=Action.EDIT_CONTACTS,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
