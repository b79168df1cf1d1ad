"""The bodies of the follow-through use cases (SPEC "Follow-through"), each inside one
transaction: a community's bodies, /assign and /promise. Who may is the permission table's
(Action.EDIT_BODIES was checked by the scope resolver; ASSIGN and PROMISE here, per issue)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.core.roles import Action
from bot.delivery.outbox_store import enqueue
from bot.issues.notify import Notifier
from bot.issues.rules import promises
from bot.issues.rules.promises import BODIES_LIMIT, BUILTIN_BODIES, DateProblem
from bot.issues.service.changing import tell
from bot.issues.service.results import (
    BadDate,
    BodyAdded,
    BodyChange,
    BodyRefused,
    BodyRemoved,
    IssueChanged,
    IssueClosed,
    IssueMissing,
    NotPermitted,
    Owning,
    UnknownBody,
)
from bot.issues.store import owners
from bot.issues.store.records import Issue, IssueEvent, load_issue


def add_body(conn: sqlite3.Connection, community_id: int, name: str, now: datetime) -> BodyChange:
    cleaned = " ".join(name.split())
    problem = promises.name_problem(cleaned)
    if problem is not None:
        return BodyRefused(cleaned, problem.value)
    if len(owners.bodies(conn, community_id)) >= BODIES_LIMIT:
        return BodyRefused(cleaned, "too_many", BODIES_LIMIT)
    if not owners.add_body(conn, community_id, cleaned, now):
        return BodyRefused(cleaned, "exists")
    return BodyAdded(cleaned)


def remove_body(conn: sqlite3.Connection, community_id: int, name: str) -> BodyChange:
    cleaned = " ".join(name.split())
    if promises.body_key(cleaned) in BUILTIN_BODIES:
        return BodyRefused(cleaned, "builtin")
    if cleaned not in owners.bodies(conn, community_id):
        return BodyRefused(cleaned, "missing")
    count = owners.active_assigned(conn, community_id, cleaned)
    if count:
        return BodyRefused(cleaned, "in_use", count)
    owners.remove_body(conn, community_id, cleaned)
    return BodyRemoved(cleaned)


def _active(
    conn: sqlite3.Connection, notifier: Notifier, issue_id: int, user_id: int, action: Action
) -> Issue | IssueMissing | NotPermitted | IssueClosed:
    issue = load_issue(conn, issue_id)
    if issue is None:
        return IssueMissing(issue_id)
    actor = notifier.actor(user_id, issue.community_id)
    if not actor.may(action, assignee=issue.assignee_id == user_id):
        return NotPermitted(None, issue)
    if not issue.active:
        return IssueClosed(issue)
    return issue


def assign(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    body: str,
    assignee_id: int | None,
    user_id: int,
    now: datetime,
) -> Owning:
    """The body that answers for the issue (物业, 社区 or one of the community's), and optionally
    the person, who is told privately."""
    issue = _active(conn, notifier, issue_id, user_id, Action.ASSIGN)
    if not isinstance(issue, Issue):
        return issue
    key = promises.body_key(body)
    known = owners.bodies(conn, issue.community_id)
    if key not in BUILTIN_BODIES and key not in known:
        return UnknownBody(key, (*BUILTIN_BODIES, *known))
    done = owners.assign(conn, issue, key, assignee_id, user_id, now)
    tell(conn, notifier, IssueEvent(done.issue, done.entry, issue.audience), now)
    if assignee_id is not None and assignee_id != user_id:
        enqueue(conn, notifier.assigned(done.issue, assignee_id), now)
    return IssueChanged(done.issue, done.entry)


def promise(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    due: date | DateProblem,
    note: str | None,
    user_id: int,
    now: datetime,
) -> Owning:
    """The date it will be done by (`due` as read against the user's local today: who may is
    answered before what is wrong with the date)."""
    issue = _active(conn, notifier, issue_id, user_id, Action.PROMISE)
    if not isinstance(issue, Issue):
        return issue
    if isinstance(due, DateProblem):
        return BadDate(due.value)
    promised = promises.promise_kind(due, issue.due_date)
    done = owners.promise(conn, issue, promised, note, user_id, now)
    tell(conn, notifier, IssueEvent(done.issue, done.entry, issue.audience), now)
    return IssueChanged(done.issue, done.entry)
