"""Every (state, command, actor) cell of SPEC's issue table, against a table typed out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.roles import Role
from bot.issues.rules.states import (
    Allowed,
    Command,
    Decision,
    Disallowed,
    Priority,
    Reason,
    State,
    Who,
    allowed_commands,
    board,
    decide,
    states_from,
)

ACTORS: dict[str, Who] = {
    "grid": Who(frozenset({"grid"})),
    "property": Who(frozenset({"property"})),
    "community": Who(frozenset({"community"})),
    "organizer": Who(frozenset({"organizer"})),
    "nobody": Who(frozenset()),
    "super": Who(frozenset(), superadmin=True),
    "reporter": Who(frozenset(), reporter=True),
    "rep+grid": Who(frozenset({"grid"}), reporter=True),
    "system": Who(frozenset(), system=True),
}

# Cells: a state name = Allowed(that state); N = Disallowed(not_allowed); W = Disallowed(wrong_state).
# Columns follow ACTORS: grid property community organizer nobody super reporter rep+grid system
EXPECTED_TEXT = """
escalate      open       escalated escalated escalated N N escalated N escalated N
escalate      escalated  W W W N N W N W N
escalate      resolved   W W W N N W N W N
escalate      rejected   W W W N N W N W N
close         open       resolved resolved resolved N N resolved N resolved N
close         escalated  resolved N resolved N N resolved N resolved N
close         resolved   W W W N N W N W N
close         rejected   W W W N N W N W N
reopen        open       W N W N N W W W N
reopen        escalated  W N W N N W W W N
reopen        resolved   open N open N N open open open N
reopen        rejected   W N W N N W W W N
reject        open       rejected N rejected N N rejected N rejected N
reject        escalated  rejected N rejected N N rejected N rejected N
reject        resolved   W N W N N W N W N
reject        rejected   W N W N N W N W N
dup           open       rejected N rejected N N rejected N rejected N
dup           escalated  rejected N rejected N N rejected N rejected N
dup           resolved   W N W N N W N W N
dup           rejected   W N W N N W N W N
priority      open       open open open N N open N open N
priority      escalated  escalated escalated escalated N N escalated N escalated N
priority      resolved   W W W N N W N W N
priority      rejected   W W W N N W N W N
note          open       open open open N N open N open N
note          escalated  escalated escalated escalated N N escalated N escalated N
note          resolved   W W W N N W N W N
note          rejected   W W W N N W N W N
auto_escalate open       N N N N N N N N escalated
auto_escalate escalated  N N N N N N N N W
auto_escalate resolved   N N N N N N N N W
auto_escalate rejected   N N N N N N N N W
not_fixed     open       N N N N N N W W N
not_fixed     escalated  N N N N N N W W N
not_fixed     resolved   N N N N N N open open N
not_fixed     rejected   N N N N N N W W N
"""


def _expected() -> dict[tuple[str, str, str], str]:
    cells: dict[tuple[str, str, str], str] = {}
    for line in EXPECTED_TEXT.strip().splitlines():
        command, state, *codes = line.split()
        assert len(codes) == len(ACTORS), line
        for actor, code in zip(ACTORS, codes, strict=True):
            cells[(command, state, actor)] = code
    return cells


EXPECTED = _expected()


def _code(decision: Decision) -> str:
    if isinstance(decision, Allowed):
        return str(decision.new_state)
    return {Reason.NOT_ALLOWED: "N", Reason.WRONG_STATE: "W"}[decision.reason]


def test_expected_table_covers_every_cell() -> None:
    assert len(EXPECTED) == len(State) * len(Command) * len(ACTORS) == 4 * 9 * 9


@pytest.mark.parametrize(("command", "state", "actor"), sorted(EXPECTED))
def test_cell(command: str, state: str, actor: str) -> None:
    decision = decide(State(state), Command(command), ACTORS[actor])
    assert _code(decision) == EXPECTED[(command, state, actor)]


def test_spec_examples_of_the_two_refusals() -> None:
    # Someone else (a grid worker) could close this very issue: it is the person, not the state.
    assert decide(State.ESCALATED, Command.CLOSE, ACTORS["property"]) == Disallowed(
        Reason.NOT_ALLOWED
    )
    # Nobody escalates a resolved issue, but this grid worker could escalate an open one.
    assert decide(State.RESOLVED, Command.ESCALATE, ACTORS["grid"]) == Disallowed(
        Reason.WRONG_STATE
    )


def test_bot_role_enum_compares_equal() -> None:
    who = Who(frozenset({Role.PROPERTY}))
    assert decide(State.OPEN, Command.CLOSE, who) == Allowed(State.RESOLVED)
    assert decide(State.ESCALATED, Command.CLOSE, who) == Disallowed(Reason.NOT_ALLOWED)


def test_states_from() -> None:
    active = frozenset({State.OPEN, State.ESCALATED})
    assert states_from(Command.ESCALATE) == {State.OPEN}
    assert states_from(Command.CLOSE) == active
    assert states_from(Command.REOPEN) == {State.RESOLVED}
    assert states_from(Command.REJECT) == active
    assert states_from(Command.DUP) == active
    assert states_from(Command.PRIORITY) == active
    assert states_from(Command.NOTE) == active
    assert states_from(Command.AUTO_ESCALATE) == {State.OPEN}
    assert states_from(Command.NOT_FIXED) == {State.RESOLVED}


def test_allowed_commands_examples() -> None:
    c = Command
    assert allowed_commands(State.OPEN, ACTORS["grid"]) == [
        c.ESCALATE, c.CLOSE, c.REJECT, c.DUP, c.PRIORITY, c.NOTE
    ]  # fmt: skip
    assert allowed_commands(State.ESCALATED, ACTORS["property"]) == [c.PRIORITY, c.NOTE]
    assert allowed_commands(State.RESOLVED, ACTORS["reporter"]) == [c.REOPEN, c.NOT_FIXED]
    assert allowed_commands(State.RESOLVED, ACTORS["community"]) == [c.REOPEN]
    assert allowed_commands(State.REJECTED, ACTORS["super"]) == []
    assert allowed_commands(State.OPEN, ACTORS["system"]) == []  # auto_escalate is no button
    assert allowed_commands(State.OPEN, ACTORS["organizer"]) == []


def test_board() -> None:
    assert board(State.OPEN) == "residents"
    assert board(State.ESCALATED) == "property"
    assert board(State.RESOLVED) == "community"
    assert board(State.REJECTED) is None


def test_enum_values_are_the_spec_words() -> None:
    assert [str(s) for s in State] == ["open", "escalated", "resolved", "rejected"]
    assert [str(p) for p in Priority] == ["minor", "major", "urgent"]
    assert [str(c) for c in Command] == [
        "escalate", "close", "reopen", "reject", "dup", "priority", "note",
        "auto_escalate", "not_fixed",
    ]  # fmt: skip


# --- properties over every actor, not just the nine columns above -------------------------

ROLE_NAMES = ["grid", "property", "community", "organizer", "stranger"]
whos = st.builds(
    Who,
    roles=st.frozensets(st.sampled_from(ROLE_NAMES)),
    superadmin=st.booleans(),
    reporter=st.booleans(),
    system=st.booleans(),
)
states = st.sampled_from(list(State))
commands = st.sampled_from(list(Command))


@given(states, commands, whos)
def test_superadmin_may_do_at_least_as_much(state: State, command: Command, who: Who) -> None:
    promoted = Who(who.roles, superadmin=True, reporter=who.reporter, system=who.system)
    if isinstance(decide(state, command, who), Allowed):
        assert decide(state, command, promoted) == decide(state, command, who)


@given(states, commands, whos, st.frozensets(st.sampled_from(ROLE_NAMES)))
def test_more_roles_never_take_a_permission_away(
    state: State, command: Command, who: Who, extra: frozenset[str]
) -> None:
    more = Who(who.roles | extra, who.superadmin, who.reporter, who.system)
    if isinstance(decide(state, command, who), Allowed):
        assert decide(state, command, more) == decide(state, command, who)


@given(states, commands, whos)
def test_refusal_reason_definition(state: State, command: Command, who: Who) -> None:
    decision = decide(state, command, who)
    if not isinstance(decision, Disallowed):
        return
    elsewhere = [s for s in State if isinstance(decide(s, command, who), Allowed)]
    wrong_state = bool(elsewhere) and state not in states_from(command)
    assert decision.reason == (Reason.WRONG_STATE if wrong_state else Reason.NOT_ALLOWED)


@given(states, commands, whos)
def test_allowed_only_from_states_from(state: State, command: Command, who: Who) -> None:
    if isinstance(decide(state, command, who), Allowed):
        assert state in states_from(command)


@given(states, whos)
def test_allowed_commands_agrees_with_decide(state: State, who: Who) -> None:
    expected = [
        c
        for c in Command
        if c is not Command.AUTO_ESCALATE and isinstance(decide(state, c, who), Allowed)
    ]
    assert allowed_commands(state, who) == expected


@given(whos)
def test_rejected_is_final_for_everyone(who: Who) -> None:
    assert allowed_commands(State.REJECTED, who) == []


@given(whos)
def test_organizer_role_grants_nothing(who: Who) -> None:
    with_organizer = Who(who.roles | {"organizer"}, who.superadmin, who.reporter, who.system)
    for state in State:
        for command in Command:
            assert decide(state, command, with_organizer) == decide(state, command, who)
