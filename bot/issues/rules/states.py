"""The issue state machine of SPEC "Issues: the three boards", in one table.

Handlers, the issue card's buttons and the daily jobs all ask this module which change applies
to an issue in which state; who may make it is the permission table's (bot/core/roles.py), so
that each is written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TypeAlias

from bot.core.roles import ALL_ROLES, Action, Actor, Role

ROLE_VALUES = frozenset(r.value for r in Role)


class State(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REJECTED = "rejected"


class Priority(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    URGENT = "urgent"


class Command(StrEnum):
    """Declaration order is the table's order, and so the order of buttons on a card."""

    ESCALATE = "escalate"
    CLOSE = "close"
    REOPEN = "reopen"
    REJECT = "reject"
    DUP = "dup"
    PRIORITY = "priority"
    NOTE = "note"
    AUTO_ESCALATE = "auto_escalate"  # the daily follow-up job, acting as the system
    NOT_FIXED = "not_fixed"  # the reporter's "not fixed" button on a resolved issue


@dataclass(frozen=True)
class Who:
    """The actor as seen from the issue's community.

    `reporter` is about this one issue; `system` is the daily job, which holds no role.
    """

    roles: frozenset[str]
    superadmin: bool = False
    reporter: bool = False
    system: bool = False

    @cached_property
    def actor(self) -> Actor:
        """As the permission table sees them: read once per Who, not once per table row."""
        held = frozenset(Role(r) for r in self.roles if r in ROLE_VALUES)  # unknown words: none
        return Actor(0, held, self.superadmin)

    @property
    def effective_roles(self) -> frozenset[str]:
        # SPEC: superadmins hold every role everywhere (but are not the reporter unless they are).
        return frozenset(ALL_ROLES) if self.superadmin else self.roles


@dataclass(frozen=True)
class Transition:
    """One row of the table: `command` on an issue in one of `sources`, to where.

    Who may is the permission table's `action` (bot/core/roles.py), or the daily job when
    `system`. `target` None means the state does not change (priority, note).
    """

    command: Command
    sources: frozenset[State]
    action: Action | None = None
    system: bool = False
    target: State | None = None

    def permits(self, who: Who) -> bool:
        """The permission table's answer (Actor.may), or the daily job's own row."""
        if self.action is None:
            return self.system and who.system
        return who.actor.may(self.action, reporter=who.reporter)


_OPEN = frozenset({State.OPEN})
_ESCALATED = frozenset({State.ESCALATED})
_RESOLVED = frozenset({State.RESOLVED})
_ACTIVE = frozenset({State.OPEN, State.ESCALATED})

TABLE: tuple[Transition, ...] = (
    Transition(Command.ESCALATE, _OPEN, Action.ESCALATE, target=State.ESCALATED),
    Transition(Command.CLOSE, _OPEN, Action.CLOSE, target=State.RESOLVED),
    # Once escalated, property has said it cannot solve it: only grid or community close it.
    Transition(Command.CLOSE, _ESCALATED, Action.CLOSE_ESCALATED, target=State.RESOLVED),
    Transition(Command.REOPEN, _RESOLVED, Action.REOPEN, target=State.OPEN),
    Transition(Command.REJECT, _ACTIVE, Action.REJECT, target=State.REJECTED),
    Transition(Command.DUP, _ACTIVE, Action.DUP, target=State.REJECTED),
    Transition(Command.PRIORITY, _ACTIVE, Action.PRIORITY),
    Transition(Command.NOTE, _ACTIVE, Action.NOTE),
    Transition(Command.AUTO_ESCALATE, _OPEN, system=True, target=State.ESCALATED),
    Transition(Command.NOT_FIXED, _RESOLVED, Action.NOT_FIXED, target=State.OPEN),
)


class Reason(StrEnum):
    """Why a command was refused; the two call for different replies.

    `wrong_state`: the command does not apply to an issue in this state at all, and this actor
    could run it on an issue in another state ("#12 is already resolved").
    `not_allowed`: everything else: the actor may never run the command, or someone else could
    run it on this very issue (property closing an escalated issue: a grid worker could).
    """

    NOT_ALLOWED = "not_allowed"
    WRONG_STATE = "wrong_state"


@dataclass(frozen=True)
class Allowed:
    new_state: State


@dataclass(frozen=True)
class Disallowed:
    reason: Reason


Decision: TypeAlias = Allowed | Disallowed


def _rows(command: Command) -> tuple[Transition, ...]:
    return tuple(row for row in TABLE if row.command == command)


def states_from(command: Command) -> frozenset[State]:
    """The states in which anyone at all may run the command."""
    return frozenset(state for row in _rows(command) for state in row.sources)


def decide(state: State, command: Command, who: Who) -> Decision:
    rows = _rows(command)
    for row in rows:
        if state in row.sources and row.permits(who):
            return Allowed(row.target if row.target is not None else state)
    if state not in states_from(command) and any(row.permits(who) for row in rows):
        return Disallowed(Reason.WRONG_STATE)
    return Disallowed(Reason.NOT_ALLOWED)


def allowed_commands(state: State, who: Who) -> list[Command]:
    """What to offer as buttons on the card; the daily job's command is never a button."""
    return list(_allowed_commands(state, who))


@lru_cache(maxsize=1024)
def _allowed_commands(state: State, who: Who) -> tuple[Command, ...]:
    """Every card drawn asks this (a few states × the roles there are): asked once each."""
    return tuple(
        command
        for command in Command
        if command is not Command.AUTO_ESCALATE and isinstance(decide(state, command, who), Allowed)
    )


_BOARDS: dict[State, str | None] = {
    State.OPEN: "residents",
    State.ESCALATED: "property",
    State.RESOLVED: "community",
    State.REJECTED: None,
}


def board(state: State) -> str | None:
    """居民说 / 物业说 / 社区说; a rejected issue sits on no board."""
    return _BOARDS[state]
