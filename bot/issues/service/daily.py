"""The body of the daily follow-up's one transaction: each planned change is applied only if its
issue is still as it was read (a change made meanwhile wins), once per local day."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.delivery.outbox_store import enqueue
from bot.issues.notify import Notifier
from bot.issues.rules.followup import Candidates, Plan, days_of
from bot.issues.rules.states import Command, State
from bot.issues.service.changing import tell
from bot.issues.service.results import FollowUp
from bot.issues.store import followup, owners, writes
from bot.issues.store.records import IssueEvent, reload


def follow_up(
    conn: sqlite3.Connection,
    notifier: Notifier,
    found: Candidates,
    planned: Plan,
    today: str,
    now: datetime,
) -> FollowUp | None:
    """None when it already ran today."""
    if not followup.claim_day(conn, today):
        return None
    done = FollowUp()
    for issue_id, updated, escalate_days in planned.escalate:
        issue = followup.unchanged_open(conn, issue_id, updated)
        if issue is None:
            continue
        changed = writes.change(
            conn,
            issue,
            Command.AUTO_ESCALATE,
            State.ESCALATED.value,
            None,
            now,
            note=str(escalate_days),
        )
        tell(conn, notifier, IssueEvent(changed.issue, changed.entry, issue.audience), now)
        done.escalated.append(issue_id)
    for community_id, items in planned.overdue.items():
        overdue = followup.still_overdue(conn, [i for i, _ in items])
        if not overdue:
            continue
        done.reminders[community_id] = overdue
        remind_days, escalate_days = days_of(found, community_id)
        enqueue(conn, notifier.overdue(community_id, remind_days, escalate_days, overdue), now)
    for issue_id in planned.fixed:
        if followup.fix_by_silence(conn, issue_id, now):
            done.fixed_by_silence.append(issue_id)
    _broken_promises(conn, notifier, today, now, done)
    return done


def _broken_promises(
    conn: sqlite3.Connection, notifier: Notifier, today: str, now: datetime, done: FollowUp
) -> None:
    """Promises whose day has passed: marked (their cards show ⏰ from now on), and every
    broken promise listed to whoever answers for it, each morning until kept or moved."""
    for issue_id in owners.mark_past_due(conn, today):
        enqueue(conn, notifier.card_edit(reload(conn, issue_id)), now)
        done.past_due.append(issue_id)
    for (community_id, assignee_id), items in owners.past_due_by_owner(conn).items():
        enqueue(conn, notifier.past_due(community_id, assignee_id, items), now)
        done.promise_lists += 1
