"""The bodies of raising and following issues, each run inside one transaction: the rate limit
and the near-duplicate check are read in the same transaction that stores the report, so that a
report costs one awaited database call."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.issues.notify import Notifier
from bot.issues.service.changing import tell
from bot.issues.service.results import (
    AlreadyFollowing,
    DraftGone,
    Following,
    IssueClosed,
    IssueMissing,
    IssueReported,
    NearDuplicate,
    NowFollowing,
    OwnIssue,
    Reporting,
    ReportingAnyway,
    ReportThrottled,
)
from bot.issues.store import evidence, voices, writes
from bot.issues.store.records import HistoryEntry, Issue, IssueEvent, NewIssue, load_issue, reload


def _insert(conn: sqlite3.Connection, notifier: Notifier, new: NewIssue, now: datetime) -> Issue:
    """Store the report; its card (answering the report in the group) and the urgent alerts
    are queued with it."""
    done = writes.insert_issue(conn, new, now)
    if new.album is not None and new.chat_id is not None:
        album = evidence.Album(done.issue.id, "report")
        evidence.remember_album(conn, new.chat_id, new.album, new.sender_id, album, now)
    event = IssueEvent(done.issue, done.entry, (new.reporter_id,), reply_to=new.reply_to)
    tell(conn, notifier, event, now)
    return done.issue


def report(
    conn: sqlite3.Connection,
    notifier: Notifier,
    new: NewIssue,
    now: datetime,
    *,
    check_rate: bool,
) -> Reporting:
    until = writes.next_report_allowed(conn, new.sender_id, now) if check_rate else None
    if until is not None:
        return ReportThrottled(until)
    if new.text:
        match = writes.near_duplicate(conn, new.grid_id, new.text)
        if match is not None:
            return NearDuplicate(reload(conn, match), writes.keep_draft(conn, new, now))
    return IssueReported(_insert(conn, notifier, new, now))


def report_anyway(
    conn: sqlite3.Connection,
    notifier: Notifier,
    draft_id: int,
    user_id: int,
    now: datetime,
    *,
    check_rate: bool,
) -> ReportingAnyway:
    """ "Report anyway" after a near-duplicate warning: the kept draft becomes an issue."""
    new = writes.read_draft(conn, draft_id, user_id)
    if new is None:
        return DraftGone(draft_id)
    until = writes.next_report_allowed(conn, user_id, now) if check_rate else None
    if until is not None:
        return ReportThrottled(until)
    writes.drop_draft(conn, draft_id, user_id)
    return IssueReported(_insert(conn, notifier, new, now))


def follow(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    user_id: int,
    now: datetime,
    *,
    draft_id: int | None,
) -> Following:
    """ "Me too"; from a near-duplicate warning (`draft_id`), the user's own draft is dropped."""
    if draft_id is not None:
        writes.drop_draft(conn, draft_id, user_id)
    issue = load_issue(conn, issue_id)
    if issue is None:
        return IssueMissing(issue_id)
    if not issue.active:
        return IssueClosed(issue)
    if issue.reporter_id == user_id:
        return OwnIssue(issue)
    if not writes.add_follower(conn, issue_id, user_id, now):
        return AlreadyFollowing(issue)
    after = reload(conn, issue_id)
    entry = HistoryEntry(now, user_id, "follow", None, None, None)
    tell(conn, notifier, IssueEvent(after, entry, ()), now)
    return NowFollowing(_many_voices(conn, notifier, after, now))


def _many_voices(
    conn: sqlite3.Connection, notifier: Notifier, issue: Issue, now: datetime
) -> Issue:
    """At the community's threshold of followers (the reporter not counted) a minor issue
    becomes major: the history says why, everyone is told, and it joins the meeting's agenda."""
    followers = len([f for f in issue.followers if f != issue.reporter_id])
    if issue.priority != "minor" or followers < voices.threshold(conn, issue.community_id):
        return issue
    entry = voices.make_major(conn, issue.id, followers, now)
    if entry is None:
        return issue
    after = reload(conn, issue.id)
    tell(conn, notifier, IssueEvent(after, entry, issue.audience), now)
    return after
