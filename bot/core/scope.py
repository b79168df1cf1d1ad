"""Which community (and grid) a command is about, and the refusals when that is unclear — written
once for every feature.

In a registered group: the group's community and grid (an unregistered group is told how to
register). In private chat: the community named among the arguments, else the one where the
caller may do the command's action (superadmins: any community), else the caller is asked which
(several) or told that they may not (none). The permission itself is then checked against the
one table (bot/core/roles.py) for the community found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from telegram import Update

from bot.context import CustomContext, ids
from bot.core.records import Community, Grid
from bot.core.registry import Registry
from bot.core.render import esc
from bot.core.replies import denied, is_private, reply, usage
from bot.core.roles import PERMISSIONS, Action, Role

SETUP_EXAMPLE = "/setup 西安村 第8网格"


@dataclass(frozen=True)
class Scope:
    community: Community
    grid: Grid | None  # the group's grid when asked in a group; None in private chat
    words: list[str]  # the arguments left once the community's name (first or last) was taken out


class Unclear(StrEnum):
    UNREGISTERED = "unregistered"  # a group that never ran /setup
    NONE = "none"  # in private: no community where the caller may do this
    SEVERAL = "several"  # in private: several, and none named


@dataclass(frozen=True)
class Unresolved:
    why: Unclear
    choices: tuple[Community, ...] = ()
    name: str = ""


def candidates(
    registry: Registry, user_id: int, admins: frozenset[int], roles: frozenset[Role] | None
) -> list[Community]:
    """The communities a private command may be about: superadmins any; `roles` None: any
    community; else those where the caller holds one of `roles`."""
    if user_id in admins or roles is None:
        return registry.communities()
    return registry.communities_of(user_id, [r.value for r in roles])


def resolve(
    registry: Registry,
    *,
    chat_id: int,
    user_id: int,
    private: bool,
    words: list[str],
    admins: frozenset[int],
    roles: frozenset[Role] | None,
) -> Scope | Unresolved:
    """The pure part: the registry's answer, with no reply."""
    if not private:
        grid = registry.chat_grid(chat_id)
        community = registry.community(grid.community_id) if grid else None
        if grid is None or community is None:
            return Unresolved(Unclear.UNREGISTERED)
        named_here = _named(words, lambda w: w.casefold() == community.name.casefold())
        return Scope(community, grid, named_here[1] if named_here else words)
    named = _named(words, lambda w: registry.community_by_name(w) is not None)
    if named is not None:
        found = registry.community_by_name(named[0])
        assert found is not None
        return Scope(found, None, named[1])
    held = candidates(registry, user_id, admins, roles)
    if len(held) == 1:
        return Scope(held[0], None, words)
    return Unresolved(Unclear.SEVERAL if held else Unclear.NONE, tuple(held))


def _named(words: list[str], is_name: Callable[[str], bool]) -> tuple[str, list[str]] | None:
    """A community's name as the first or the last word (never one in the middle: that is a
    place, a name or a text), and the words left without it."""
    if words and is_name(words[-1]):
        return words[-1], words[:-1]
    if words and is_name(words[0]):
        return words[0], words[1:]
    return None


def unregistered_text(context: CustomContext) -> str:
    t = context.t
    return usage(
        t,
        t._("This group is not registered yet: a chat administrator sends it first."),
        SETUP_EXAMPLE,
    )


async def require(
    update: Update,
    context: CustomContext,
    words: list[str],
    *,
    action: Action | None,
    how: str,
    nobody: str,
    refusal: str,
) -> Scope | None:
    """The scope of a command, or None after telling the caller why there is none.

    `action`: what the command does (None: open to everyone; the community is then any the
    caller names or the only one there is). `how`: an example of the command written in
    private chat with the community's name. `nobody`: what to tell a caller who may do this
    nowhere. `refusal`: what to tell a caller who may not do it in the community found, with
    `{community}` in it.
    """
    chat_id, user_id = ids(update)
    roles = PERMISSIONS[action].roles if action is not None else None
    found = resolve(
        context.registry,
        chat_id=chat_id,
        user_id=user_id,
        private=is_private(update),
        words=words,
        admins=context.settings.admins,
        roles=roles,
    )
    if isinstance(found, Unresolved):
        await reply(update, unresolved_text(context, found, how=how, nobody=nobody))
        return None
    if action is not None and not context.actor(user_id, found.community.id).may(action):
        await reply(update, denied(context.t, refusal.format(community=esc(found.community.name))))
        return None
    return found


def unresolved_text(context: CustomContext, found: Unresolved, *, how: str, nobody: str) -> str:
    t = context.t
    if found.why is Unclear.UNREGISTERED:
        return unregistered_text(context)
    if found.why is Unclear.NONE:
        return denied(t, nobody)
    names = t.p_("list separator", ", ").join(esc(c.name) for c in found.choices)
    problem = t._("Which community? Add its name: one of {names}.").format(names=names)
    return usage(t, problem, how)
