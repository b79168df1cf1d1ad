"""Who may do what: one table, used by every handler, /help and the command menus."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    GRID = "grid"
    PROPERTY = "property"
    COMMUNITY = "community"
    ORGANIZER = "organizer"


MODERATOR_ROLES: frozenset[Role] = frozenset({Role.GRID, Role.PROPERTY, Role.COMMUNITY})

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
    SETUP = "setup"
    GRANT = "grant"
    SET_GROUP_LANG = "set_group_lang"


# Actions open to role holders of the community concerned; superadmins may do everything.
# /setup is special: the group's own chat administrators may also do it (checked live).
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.SETUP: frozenset(),
    Action.GRANT: frozenset({Role.COMMUNITY}),
    Action.SET_GROUP_LANG: MODERATOR_ROLES,
}


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
        return self.superadmin or bool(self.roles & MODERATOR_ROLES)

    def holds(self, role: Role) -> bool:
        return self.superadmin or role in self.roles

    def may(self, action: Action) -> bool:
        return self.superadmin or bool(self.roles & ALLOWED[action])
