"""The bot's commands: one list that feeds /help and the Telegram command menus.

Each later capability appends its commands here; `who` says which callers /help shows a
command to, `where` which chat types it works in, `menu` whether it is in the menu that
Telegram shows everyone (role-only commands are left out of menus and shown by /help).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.i18n import N_
from bot.core.roles import MODERATOR_ROLES, Role


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
    superadmins_only: bool = False


COMMANDS: list[CommandSpec] = [
    CommandSpec("start", N_("/start"), N_("open the menu"), frozenset({Where.PRIVATE})),
    CommandSpec("help", N_("/help"), N_("what you can do here")),
    CommandSpec("lang", N_("/lang zh|en"), N_("choose the language")),
    CommandSpec("report", N_("/report <text>"), N_("report a problem")),
    CommandSpec("urgent", N_("/urgent <text>"), N_("report an urgent problem")),
    CommandSpec("issue", N_("/issue <N>"), N_("show an issue and its history")),
    CommandSpec("board", N_("/board"), N_("the issue boards")),
    CommandSpec("my", N_("/my"), N_("your reports, what you follow, your sign-ups")),
    CommandSpec(
        "escalate",
        N_("/escalate <N> [note]"),
        N_("move an issue to the community (物业说)"),
        who=MODERATOR_ROLES,
        menu=False,
    ),
    CommandSpec(
        "close",
        N_("/close <N> <solution>"),
        N_("resolve an issue with its solution"),
        who=MODERATOR_ROLES,
        menu=False,
    ),
    CommandSpec(
        "reopen",
        N_("/reopen <N> [reason]"),
        N_("reopen a resolved issue (also its reporter)"),
        who=frozenset({Role.GRID, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "reject",
        N_("/reject <N> <reason>"),
        N_("reject an issue"),
        who=frozenset({Role.GRID, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "dup",
        N_("/dup <N> <M>"),
        N_("mark #N a duplicate of #M"),
        who=frozenset({Role.GRID, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "priority",
        N_("/priority <N> minor|major|urgent"),
        N_("set an issue's priority"),
        who=MODERATOR_ROLES,
        menu=False,
    ),
    CommandSpec(
        "note", N_("/note <N> <text>"), N_("add a progress note"), who=MODERATOR_ROLES, menu=False
    ),
    CommandSpec(
        "category",
        N_("/category <N> <category>"),
        N_("correct an issue's category"),
        who=MODERATOR_ROLES,
        menu=False,
    ),
    CommandSpec(
        "setsla",
        N_("/setsla <remind days> <escalate days>"),
        N_("follow-up days of your community"),
        who=frozenset({Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec("activities", N_("/activities"), N_("activities coming up, with sign-up buttons")),
    CommandSpec("cancel", N_("/cancel <N>"), N_("cancel your sign-up for activity #N")),
    CommandSpec(
        "newactivity",
        N_("/newactivity"),
        N_("create an activity (guided in private, or one line)"),
        who=frozenset({Role.ORGANIZER, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "roster",
        N_("/roster <N>"),
        N_("who signed up (text and CSV, privately)"),
        who=frozenset({Role.ORGANIZER, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "cancelactivity",
        N_("/cancelactivity <N> [reason]"),
        N_("cancel an activity; everyone signed up is told"),
        who=frozenset({Role.ORGANIZER, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "announce",
        N_("/announce <text>"),
        N_("send a notice to every group of the community"),
        who=frozenset({Role.ORGANIZER, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec("meeting", N_("/meeting"), N_("the next residents' meeting and its agenda")),
    CommandSpec("remind", N_("/remind on|off"), N_("the meeting reminder, on the meeting day")),
    CommandSpec(
        "setmeeting",
        N_("/setmeeting <day> <HH:MM> <place>"),
        N_("when and where the monthly meeting is"),
        who=frozenset({Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "minutes",
        N_("/minutes"),
        N_("decide the last meeting's agenda, item by item (private)"),
        frozenset({Where.PRIVATE}),
        who=frozenset({Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec("contacts", N_("/contacts"), N_("the community's contacts (phones in private)")),
    CommandSpec(
        "addcontact",
        N_("/addcontact <kind> <name> <phone> [building]"),
        N_("add someone to the contacts"),
        who=frozenset({Role.GRID, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "removecontact",
        N_("/removecontact <name>"),
        N_("remove someone from the contacts"),
        who=frozenset({Role.GRID, Role.COMMUNITY}),
        menu=False,
    ),
    CommandSpec(
        "stats",
        N_("/stats [YYYY-MM]"),
        N_("a month's figures, with a chart"),
        who=MODERATOR_ROLES,
        menu=False,
    ),
    CommandSpec(
        "health",
        N_("/health"),
        N_("uptime, outbox queue, last error, database size"),
        menu=False,
        superadmins_only=True,
    ),
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
        and (not c.superadmins_only or superadmin)
        and (
            (not c.who and not c.chat_admins)
            or superadmin
            or bool(c.who & roles)
            or (c.chat_admins and chat_admin)
        )
    ]


def menu_commands(where: Where) -> list[CommandSpec]:
    return [c for c in COMMANDS if c.menu and not c.superadmins_only and where in c.where]
