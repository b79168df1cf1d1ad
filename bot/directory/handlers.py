"""The community roster: /contacts, /addcontact, /removecontact.

Groups see names and roles; phone numbers go only by private message, and only to members of
one of the community's groups (as the bot has seen them: bot/core/chat_members.py) or to role
holders. /contacts in a group sends them privately to such an asker who has started the bot.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import Application

from bot.context import CustomContext, ids
from bot.core import scope
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_
from bot.core.menu_buttons import register_menu_button
from bot.core.records import Community
from bot.core.render import split_html
from bot.core.replies import command_text, denied, is_private, reply, split_args, usage
from bot.core.roles import ALL_ROLES, Action
from bot.delivery.sending import send_html
from bot.directory import views
from bot.directory.service import (
    BadContact,
    Contact,
    ContactNotListed,
    ContactRemoved,
    ContactSaved,
    parse_contact,
)

ADD_USAGE = "/addcontact building_head 陈阿姨 13812345678 3号楼"
ADD_PRIVATE = ADD_USAGE + " 西安村"
REMOVE_USAGE = "/removecontact 陈阿姨"
REMOVE_PRIVATE = REMOVE_USAGE + " 西安村"
SHOWN_COMMUNITIES = 3  # /contacts in private: at most this many rosters


async def phone_communities(context: CustomContext, user_id: int) -> list[Community]:
    """Whose phone numbers a private caller may see: where they hold a role (superadmins:
    everywhere), else the communities in one of whose groups they are — as the bot has seen
    (Telegram is asked about one group at most: bot/core/chat_members.py)."""
    registry = context.registry
    held = scope.candidates(registry, user_id, context.settings.admins, ALL_ROLES)
    if held:
        return held
    return await registry.member_communities(context.bot, user_id)


async def may_see_phones(context: CustomContext, user_id: int, community: Community) -> bool:
    """A role holder of the community (or a superadmin), or a member of one of its groups."""
    registry = context.registry
    if user_id in context.settings.admins or registry.roles_of(user_id, community.id):
        return True
    groups = [chat.id for chat in registry.group_chats(community.id)]
    return bool(await registry.memberships.member_chats(context.bot, user_id, groups))


async def contacts(update: Update, context: CustomContext) -> None:
    t = context.t
    if not is_private(update):
        await contacts_in_group(update, context)
        return
    _, user_id = ids(update)
    communities = (await phone_communities(context, user_id))[:SHOWN_COMMUNITIES]
    if not communities:
        await reply(update, denied(t, views.phones_refused(t)))
        return
    rosters = await context.directory.rosters([c.id for c in communities])
    for community, roster in zip(communities, rosters, strict=True):
        await reply(update, views.roster(t, community.name, roster, phones=True))


async def contacts_in_group(update: Update, context: CustomContext) -> None:
    """Names and roles for the group; the phone numbers privately to an asker who may see them
    and has started the bot (SPEC "Directory"), else how to start it."""
    t = context.t
    found = await scope.require(
        update, context, [], action=None, how="/contacts", nobody="", refusal=""
    )
    if found is None:
        return
    community = found.community
    roster = await context.directory.roster(community.id)
    names = views.roster(t, community.name, roster, phones=False)
    asker = update.effective_user
    if not roster:
        await reply(update, names)
    elif asker is None or asker.is_bot or not await may_see_phones(context, asker.id, community):
        await reply(update, names + "\n\n" + views.phones_hint(t))
    elif await send_privately(
        context, asker.id, views.roster(context.ut, community.name, roster, phones=True)
    ):
        await reply(update, names + "\n\n" + views.phones_sent(t))
    else:
        button = InlineKeyboardButton(views.open_private_chat(t), url=context.bot.link)
        await reply(update, names + "\n\n" + views.start_first(t), InlineKeyboardMarkup([[button]]))


async def send_privately(context: CustomContext, user_id: int, text: str) -> bool:
    """Send `text` to the user's private chat; False when they never started the bot or have
    blocked it (then it is remembered, as the outbox does)."""
    if not context.people.reachable(user_id):
        return False
    try:
        for part in split_html(text):
            await send_html(context.bot, user_id, part)
    except Forbidden:
        await context.registry.set_user_blocked(user_id, True)
        return False
    return True


async def keeper_scope(
    update: Update, context: CustomContext, words: list[str], how: str
) -> scope.Scope | None:
    """The community a roster change is about, if the caller may change its roster."""
    t = context.t
    return await scope.require(
        update,
        context,
        words,
        action=Action.EDIT_CONTACTS,
        how=how,
        nobody=views.edit_nowhere(t),
        refusal=views.edit_refused(t),
    )


async def add_contact(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    how = ADD_PRIVATE if is_private(update) else ADD_USAGE
    found = await keeper_scope(update, context, split_args(command_text(message)), how)
    if found is None:
        return
    match parse_contact(found.words):
        case BadContact() as bad:
            text = usage(t, views.contact_problem(t, bad), ADD_USAGE)
            kinds = t._("Kinds: {kinds}").format(kinds=views.kinds_list(t))
            await reply(update, text + "\n" + kinds)
        case Contact() as contact:
            saved: ContactSaved = await context.directory.save(
                context.origin, found.community.id, contact
            )
            await reply(update, views.saved(t, found.community.name, contact, new=saved.new))


async def remove_contact(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    how = REMOVE_PRIVATE if is_private(update) else REMOVE_USAGE
    found = await keeper_scope(update, context, split_args(command_text(message)), how)
    if found is None:
        return
    name = " ".join(found.words)
    if not name:
        await reply(update, usage(t, t._("Whose entry? Give the name."), REMOVE_USAGE))
        return
    community = found.community.name
    match await context.directory.remove(context.origin, found.community.id, name):
        case ContactRemoved():
            await reply(update, views.removed(t, community, name, found=True))
        case ContactNotListed():
            await reply(update, views.removed(t, community, name, found=False))


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
    register_menu_button(app, "contacts", contacts)
