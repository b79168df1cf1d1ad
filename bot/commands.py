"""The bot's commands: one list that feeds /help and the Telegram command menus.

Each later capability appends its commands here; `who` says which callers /help shows a
command to, `where` which chat types it works in, `menu` whether it is in the menu that
Telegram shows everyone (role-only commands are left out of menus and shown by /help).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_
from bot.permissions import MODERATOR_ROLES, Role


class Where(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


BOTH = frozenset({Where.PRIVATE, Where.GROUP})
EVERYONE: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str  # msgid: how to write it, e.g. "/setup <community> <grid>"
    description: str  # msgid: one short line
    where: frozenset[Where] = BOTH
    who: frozenset[Role] = EVERYONE  # empty: everyone; else any of these roles (or superadmin)
    menu: bool = True
    chat_admins: bool = False  # also open to the group's own chat administrators


COMMANDS: list[CommandSpec] = [
    CommandSpec("start", N_("/start"), N_("open the menu"), frozenset({Where.PRIVATE})),
    CommandSpec("help", N_("/help"), N_("what you can do here")),
    CommandSpec("lang", N_("/lang zh|en"), N_("choose the language")),
    CommandSpec(
        "setup",
        N_("/setup <community> <grid>"),
        N_("register this group to a grid"),
        frozenset({Where.GROUP}),
        chat_admins=True,
    ),
    CommandSpec(
        "grant",
        N_("/grant <role> [@user]"),
        N_("give someone a role (grid, property, community, organizer)"),
        who=frozenset({Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "revoke",
        N_("/revoke <role> [@user]"),
        N_("take a role back"),
        who=frozenset({Role.COMMUNITY}),
        menu=False,
    ),
]

# Moderators set the group's language with /lang in the group; residents do it in private.
GROUP_LANG_ROLES = MODERATOR_ROLES


def visible_commands(
    where: Where, roles: frozenset[Role], *, superadmin: bool, chat_admin: bool
) -> list[CommandSpec]:
    """What /help shows this caller in this kind of chat."""
    return [
        c
        for c in COMMANDS
        if where in c.where
        and (
            (not c.who and not c.chat_admins)
            or superadmin
            or bool(c.who & roles)
            or (c.chat_admins and chat_admin)
        )
    ]


def menu_commands(where: Where) -> list[CommandSpec]:
    return [c for c in COMMANDS if c.menu and where in c.where]
