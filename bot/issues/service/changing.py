"""The bodies of the use cases that change an issue, each run inside one transaction: the state
machine decides, the store writes, and what the change tells whom is queued in the same commit.
They read only the caches (the notifier) besides the connection: no I/O, no awaits."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.roles import Action
from bot.delivery.outbox_store import enqueue
from bot.issues.notify import Notifier
from bot.issues.rules.states import Allowed, Command, Reason, State, Who, decide
from bot.issues.service.results import (
    AlreadyAnswered,
    BadOriginal,
    Change,
    Check,
    FixedAnswer,
    FixRated,
    IssueChanged,
    IssueClosed,
    IssueMissing,
    NotAsked,
    NotPermitted,
    Permitted,
    Recategorized,
    Recategorizing,
    WrongState,
)
from bot.issues.store import ratings, reads, writes
from bot.issues.store.records import Issue, IssueEvent, load_issue, reload

WhoOf = Callable[[Issue], Who]  # the actor as seen from the issue's community


@dataclass(frozen=True)
class Order:
    """A command with what it carries: the solution, reason or note; a priority; /dup's original;
    the photo a /note or /close came with (before and after)."""

    command: Command
    note: str | None = None
    priority: str | None = None
    dup_of: int | None = None
    photo: str | None = None


def tell(conn: sqlite3.Connection, notifier: Notifier, event: IssueEvent, now: datetime) -> None:
    """Queue what the change tells the group, the reporter, the followers and the moderators."""
    enqueue(conn, notifier.issue_event(event), now)


def judge(issue: Issue, command: Command, who: Who) -> Allowed | WrongState | NotPermitted:
    decision = decide(State(issue.state), command, who)
    if isinstance(decision, Allowed):
        return decision
    if decision.reason is Reason.WRONG_STATE:
        return WrongState(command, issue)
    return NotPermitted(command, issue)


def check(conn: sqlite3.Connection, issue_id: int, command: Command, who_of: WhoOf) -> Check:
    issue = load_issue(conn, issue_id)
    if issue is None:
        return IssueMissing(issue_id)
    verdict = judge(issue, command, who_of(issue))
    return Permitted(issue) if isinstance(verdict, Allowed) else verdict


def _original(conn: sqlite3.Connection, issue: Issue, dup_of: int | None) -> Issue | BadOriginal:
    other = load_issue(conn, dup_of) if dup_of is not None else None
    if other is None:
        return BadOriginal("missing", dup_of)
    if other.id == issue.id:
        return BadOriginal("self", dup_of)
    if not other.active:
        return BadOriginal("closed", dup_of)
    if other.community_id != issue.community_id:
        return BadOriginal("community", dup_of)
    return other


def apply(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    order: Order,
    who_of: WhoOf,
    actor_id: int | None,
    now: datetime,
) -> Change:
    issue = load_issue(conn, issue_id)
    if issue is None:
        return IssueMissing(issue_id)
    verdict = judge(issue, order.command, who_of(issue))
    if not isinstance(verdict, Allowed):
        return verdict
    other: Issue | None = None
    if order.command is Command.DUP:
        found = _original(conn, issue, order.dup_of)
        if isinstance(found, BadOriginal):
            return found
        other = found
    done = writes.change(
        conn,
        issue,
        order.command,
        verdict.new_state.value,
        actor_id,
        now,
        note=order.note,
        priority=order.priority,
        other=other,
        photo=order.photo,
    )
    tell(conn, notifier, IssueEvent(done.issue, done.entry, issue.audience, done.other), now)
    return IssueChanged(done.issue, done.entry, done.other)


def answer_prompt(
    conn: sqlite3.Connection,
    notifier: Notifier,
    prompt: tuple[int, int, reads.Prompt],
    text: str,
    user_id: int,
    now: datetime,
) -> Change:
    """The solution or reason a prompt asked for: the prompt is settled, the command applied."""
    chat_id, message_id, asked = prompt
    reads.drop_prompt(conn, chat_id, message_id)
    order = Order(Command(asked.kind.removeprefix("minutes_")), note=text)
    return apply(
        conn, notifier, asked.issue_id, order, lambda i: notifier.who(user_id, i), user_id, now
    )


def recategorize(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    category: str,
    user_id: int,
    now: datetime,
) -> Recategorizing:
    issue = load_issue(conn, issue_id)
    if issue is None:
        return IssueMissing(issue_id)
    if not notifier.actor(user_id, issue.community_id).may(Action.CATEGORY):
        return NotPermitted(None, issue)
    if not issue.active:
        return IssueClosed(issue)
    done = writes.set_category(conn, issue_id, category, user_id, now)
    tell(conn, notifier, IssueEvent(done.issue, done.entry, ()), now)
    return Recategorized(done.issue)


def answer_fixed(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    answer: str,
    user_id: int,
    now: datetime,
) -> FixedAnswer:
    """An answer to "Fixed?" (fixed | partly | not_fixed) by the reporter or a follower, while
    the issue is resolved: counted on the card, changeable; the reporter's 👎 reopens it."""
    issue = load_issue(conn, issue_id)
    if issue is None or issue.state != State.RESOLVED or issue.resolved_at is None:
        return AlreadyAnswered(issue_id)
    reporter = issue.reporter_id == user_id
    if not reporter and user_id not in issue.followers:
        return NotAsked(issue_id)
    before = ratings.rate(conn, issue_id, user_id, answer, issue.resolved_at, now)
    if answer == "not_fixed" and reporter:
        order = Order(Command.NOT_FIXED)
        who_of: WhoOf = lambda issue: notifier.who(user_id, issue)  # noqa: E731
        changed = apply(conn, notifier, issue_id, order, who_of, user_id, now)
        return changed if isinstance(changed, IssueChanged) else AlreadyAnswered(issue_id)
    if reporter:
        ratings.settle(conn, issue_id, user_id, answer, now)
    after = reload(conn, issue_id)
    if before != answer:
        enqueue(conn, notifier.card_edit(after), now)
    return FixRated(after, answer, before)
