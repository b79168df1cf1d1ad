"""Who may do what: the one permission table, read by every handler, /help, the command menus,
the issue state machine and the hardening tests.

Pure data and pure functions (no I/O, nothing else of the bot imported), so that the pure rules
(bot/*/rules) may read it too: the issue state machine decides *when* a change applies, this
table alone decides *who* may make it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    GRID = "grid"
    PROPERTY = "property"
    COMMUNITY = "community"
    ORGANIZER = "organizer"


ALL_ROLES: frozenset[Role] = frozenset(Role)
MODERATORS: frozenset[Role] = frozenset({Role.GRID, Role.PROPERTY, Role.COMMUNITY})
GRID_OR_COMMUNITY: frozenset[Role] = frozenset({Role.GRID, Role.COMMUNITY})
ORGANIZERS: frozenset[Role] = frozenset({Role.ORGANIZER, Role.COMMUNITY})
OFFICIALS: frozenset[Role] = frozenset({Role.COMMUNITY})

# The words people type for each role, in both languages (SPEC: "either word").
ROLE_WORDS: dict[str, Role] = {
    "grid": Role.GRID,
    "网格员": Role.GRID,
    "网格": Role.GRID,
    "property": Role.PROPERTY,
    "物业": Role.PROPERTY,
    "community": Role.COMMUNITY,
    "社区": Role.COMMUNITY,
    "organizer": Role.ORGANIZER,
    "organiser": Role.ORGANIZER,
    "邻里中心": Role.ORGANIZER,
}


def parse_role(word: str) -> Role | None:
    return ROLE_WORDS.get(word.strip().lower())


class Action(StrEnum):
    """Everything that not everyone may do. Commands open to everyone have no action."""

    # groups and people
    SETUP = "setup"
    GRANT = "grant"  # and revoke
    SET_GROUP_LANG = "set_group_lang"
    HEALTH = "health"
    # issues (the state machine adds *when*: bot/issues/rules/states.py)
    ESCALATE = "escalate"
    CLOSE = "close"  # an open issue
    CLOSE_ESCALATED = "close_escalated"  # property has said it cannot: grid or community only
    REOPEN = "reopen"
    REJECT = "reject"
    DUP = "dup"
    PRIORITY = "priority"
    NOTE = "note"
    CATEGORY = "category"
    SET_SLA = "set_sla"
    NOT_FIXED = "not_fixed"  # the "Fixed? 👎" answer
    ADD = "add"  # text, a photo or a voice note added to an issue
    ASSIGN = "assign"  # the body (and person) that answers for an issue
    PROMISE = "promise"  # the date it will be done by
    EDIT_BODIES = "edit_bodies"  # a community's list of responsible bodies
    SET_FOLLOW = "set_follow"  # how many followers make a minor issue major
    # activities
    ORGANIZE = "organize"  # new activity, roster, cancel it, announce
    # meetings
    SET_MEETING = "set_meeting"
    MINUTES = "minutes"
    # visits (接访进小区) and urgent meetings (急事立议)
    VISIT = "visit"  # /visit, /cancelvisit
    CONVENE = "convene"
    # public notices (公示)
    NOTICE = "notice"  # /notice, and reading a notice's objections (/objections)
    # votes (大事大议)
    VOTE = "vote"  # /vote, /closevote
    # directory and statistics
    EDIT_CONTACTS = "edit_contacts"
    STATS = "stats"


@dataclass(frozen=True)
class Permission:
    """Who may: holders of `roles` in the community concerned, and superadmins always.

    `reporter`: also the issue's own reporter. `follower`: also the issue's followers
    ("me too"). `assignee`: also the person the issue is assigned to. `chat_admins`: also the group's own Telegram
    administrators (asked of Telegram at the time). `superadmins_only`: no role is enough.
    `personal`: only the person it concerns (the reporter): no role, and no superadmin,
    answers for them.
    """

    roles: frozenset[Role]
    reporter: bool = False
    follower: bool = False
    assignee: bool = False
    chat_admins: bool = False
    superadmins_only: bool = False
    personal: bool = False


PERMISSIONS: dict[Action, Permission] = {
    Action.SETUP: Permission(frozenset(), chat_admins=True),
    Action.GRANT: Permission(OFFICIALS),
    Action.SET_GROUP_LANG: Permission(MODERATORS),
    Action.HEALTH: Permission(frozenset(), superadmins_only=True),
    Action.ESCALATE: Permission(MODERATORS),
    Action.CLOSE: Permission(MODERATORS),
    Action.CLOSE_ESCALATED: Permission(GRID_OR_COMMUNITY),
    Action.REOPEN: Permission(GRID_OR_COMMUNITY, reporter=True),
    Action.REJECT: Permission(GRID_OR_COMMUNITY),
    Action.DUP: Permission(GRID_OR_COMMUNITY),
    Action.PRIORITY: Permission(MODERATORS),
    Action.NOTE: Permission(MODERATORS),
    Action.CATEGORY: Permission(MODERATORS),
    Action.SET_SLA: Permission(OFFICIALS),
    Action.NOT_FIXED: Permission(frozenset(), reporter=True, personal=True),
    Action.ADD: Permission(MODERATORS, reporter=True, follower=True),
    Action.ASSIGN: Permission(MODERATORS),
    Action.PROMISE: Permission(MODERATORS, assignee=True),
    Action.EDIT_BODIES: Permission(OFFICIALS),
    Action.SET_FOLLOW: Permission(OFFICIALS),
    Action.ORGANIZE: Permission(ORGANIZERS),
    Action.SET_MEETING: Permission(OFFICIALS),
    Action.MINUTES: Permission(OFFICIALS),
    Action.VISIT: Permission(OFFICIALS),
    Action.CONVENE: Permission(GRID_OR_COMMUNITY),
    Action.NOTICE: Permission(OFFICIALS),
    Action.VOTE: Permission(OFFICIALS),
    Action.EDIT_CONTACTS: Permission(GRID_OR_COMMUNITY),
    Action.STATS: Permission(MODERATORS),
}


def roles_for(action: Action) -> frozenset[Role]:
    return PERMISSIONS[action].roles


@dataclass(frozen=True)
class Actor:
    """A user as seen from one community: their roles there and whether they are a superadmin."""

    user_id: int
    roles: frozenset[Role]
    superadmin: bool

    @classmethod
    def of(cls, user_id: int, roles: Iterable[str], admins: frozenset[int]) -> Actor:
        return cls(user_id, frozenset(Role(r) for r in roles), user_id in admins)

    @property
    def is_moderator(self) -> bool:
        return self.superadmin or bool(self.roles & MODERATORS)

    def holds(self, role: Role) -> bool:
        return self.superadmin or role in self.roles

    def may(
        self,
        action: Action,
        *,
        reporter: bool = False,
        follower: bool = False,
        assignee: bool = False,
        chat_admin: bool = False,
    ) -> bool:
        """The table's answer; `reporter`, `follower`, `assignee` and `chat_admin` are facts the
        caller looked up."""
        rule = PERMISSIONS[action]
        if rule.personal:
            return rule.reporter and reporter
        if self.superadmin:
            return True
        if rule.superadmins_only:
            return False
        return (
            bool(self.roles & rule.roles)
            or (rule.reporter and reporter)
            or (rule.follower and follower)
            or (rule.assignee and assignee)
            or (rule.chat_admins and chat_admin)
        )
