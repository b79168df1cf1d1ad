"""Issues on the three boards: each use case is one transaction (one await), and the messages it
causes are queued in the outbox inside that same transaction.

The caller passes `compose`, which turns what happened into rendered outbox messages; it runs
inside the transaction (in the database thread) and must be pure: no I/O, no awaits.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

import aiosqlite

from bot.core.db import Database, from_ts, ts
from bot.delivery.outbox_store import OutboxItem, enqueue
from bot.issues.rules import followup, ratelimit
from bot.issues.rules.similarity import best_match
from bot.issues.rules.states import Allowed, Command, Reason, State, Who, decide

ACTIVE_STATES = ("open", "escalated")
# A board's scope: one grid ("grid_id", id) or a whole community ("community_id", id).
Scope = tuple[Literal["grid_id", "community_id"], int]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor_id: int | None  # None: the bot's own follow-up
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Issue:
    id: int
    community_id: int
    grid_id: int
    chat_id: int | None
    card_message_id: int | None
    reporter_id: int
    anonymous: bool
    text: str
    category: str
    priority: str
    state: str
    location_text: str | None
    latitude: float | None
    longitude: float | None
    voice_file_id: str | None
    solution: str | None
    reason: str | None
    duplicate_of: int | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    fixed_state: str | None
    photos: tuple[str, ...] = ()
    followers: tuple[int, ...] = ()
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class IssueSummary:
    id: int
    grid_id: int
    state: str
    priority: str
    category: str
    text: str
    followers: int
    created_at: datetime
    updated_at: datetime
    has_voice: bool


@dataclass(frozen=True)
class NewIssue:
    reporter_id: int
    community_id: int
    grid_id: int
    chat_id: int | None  # the group that shows its card (None: the grid has no group)
    text: str
    category: str
    priority: str = "minor"
    anonymous: bool = False
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    voice_file_id: str | None = None
    photos: tuple[str, ...] = ()
    reply_to: int | None = None  # the report's own message in chat_id, for the card to answer


@dataclass(frozen=True)
class IssueEvent:
    """What happened, for composing messages: the issue after the change and who followed it."""

    issue: Issue
    entry: HistoryEntry
    audience: tuple[int, ...]  # reporter and followers before the change (dup moves followers)
    other: Issue | None = None  # /dup: the issue it duplicates
    reply_to: int | None = None  # the message the card answers (a report in a group)


Compose = Callable[[IssueEvent], list[OutboxItem]]


@dataclass(frozen=True)
class Created:
    issue: Issue


@dataclass(frozen=True)
class RateLimited:
    until: datetime


@dataclass(frozen=True)
class LooksLike:
    match_id: int
    draft_id: int


@dataclass(frozen=True)
class NotFound:
    issue_id: int


@dataclass(frozen=True)
class Refusal:
    reason: Reason
    issue: Issue


@dataclass(frozen=True)
class BadTarget:
    """/dup named an issue that cannot be the original (missing, itself, closed, elsewhere)."""

    why: str  # missing | self | closed | community


@dataclass(frozen=True)
class Applied:
    issue: Issue
    entry: HistoryEntry
    other: Issue | None = None


@dataclass(frozen=True)
class Followed:
    issue: Issue
    added: bool


@dataclass(frozen=True)
class CannotFollow:
    why: str  # closed | own


@dataclass
class FollowUp:
    """What the daily follow-up job found and did."""

    reminders: dict[int, list[IssueSummary]] = field(default_factory=dict)  # community → overdue
    escalated: list[int] = field(default_factory=list)
    fixed_by_silence: list[int] = field(default_factory=list)


_ISSUE_COLUMNS = (
    "id, community_id, grid_id, chat_id, card_message_id, reporter_id, anonymous, text, category,"
    " priority, state, location_text, latitude, longitude, voice_file_id, solution, reason,"
    " duplicate_of, created_at, updated_at, resolved_at, fixed_state"
)
SUMMARY_COLUMNS = (
    "i.id, i.grid_id, i.state, i.priority, i.category, substr(i.text, 1, 80),"
    " (SELECT count(*) FROM issue_followers f WHERE f.issue_id = i.id), i.created_at,"
    " i.updated_at, i.voice_file_id IS NOT NULL"
)


def summary_row(row: tuple[Any, ...]) -> IssueSummary:
    (iid, grid_id, state, priority, category, text, followers, created, updated, voice) = row
    return IssueSummary(
        iid,
        grid_id,
        state,
        priority,
        category,
        text,
        followers,
        datetime.fromisoformat(created),
        datetime.fromisoformat(updated),
        bool(voice),
    )


def load_issue(conn: sqlite3.Connection, issue_id: int) -> Issue | None:
    row = conn.execute(f"SELECT {_ISSUE_COLUMNS} FROM issues WHERE id = ?", (issue_id,)).fetchone()
    if row is None:
        return None
    photos = tuple(
        r[0]
        for r in conn.execute(
            "SELECT file_id FROM issue_photos WHERE issue_id = ? ORDER BY position", (issue_id,)
        )
    )
    followers = tuple(
        r[0]
        for r in conn.execute(
            "SELECT user_id FROM issue_followers WHERE issue_id = ? ORDER BY created_at, user_id",
            (issue_id,),
        )
    )
    history = tuple(
        HistoryEntry(datetime.fromisoformat(at), actor, action, frm, to, note)
        for at, actor, action, frm, to, note in conn.execute(
            "SELECT at, actor_id, action, from_state, to_state, note FROM issue_history"
            " WHERE issue_id = ? ORDER BY id",
            (issue_id,),
        )
    )
    (
        iid,
        community_id,
        grid_id,
        chat_id,
        card_id,
        reporter_id,
        anonymous,
        text,
        category,
        priority,
        state,
        location_text,
        latitude,
        longitude,
        voice,
        solution,
        reason,
        duplicate_of,
        created,
        updated,
        resolved,
        fixed_state,
    ) = row
    return Issue(
        iid,
        community_id,
        grid_id,
        chat_id,
        card_id,
        reporter_id,
        bool(anonymous),
        text,
        category,
        priority,
        state,
        location_text,
        latitude,
        longitude,
        voice,
        solution,
        reason,
        duplicate_of,
        datetime.fromisoformat(created),
        datetime.fromisoformat(updated),
        from_ts(resolved),
        fixed_state,
        photos,
        followers,
        history,
    )


def _history(
    conn: sqlite3.Connection,
    issue_id: int,
    now: datetime,
    actor_id: int | None,
    action: str,
    frm: str | None,
    to: str | None,
    note: str | None,
) -> HistoryEntry:
    conn.execute(
        "INSERT INTO issue_history (issue_id, at, actor_id, action, from_state, to_state, note,"
        " community_id) VALUES (?, ?, ?, ?, ?, ?, ?,"
        " (SELECT community_id FROM issues WHERE id = ?))",
        (issue_id, ts(now), actor_id, action, frm, to, note, issue_id),
    )
    return HistoryEntry(now, actor_id, action, frm, to, note)


def _rate_limit(conn: sqlite3.Connection, user_id: int, now: datetime) -> datetime | None:
    """When the user may report again, or None when they may now (5 an hour)."""
    recent = [
        datetime.fromisoformat(r[0])
        for r in conn.execute(
            "SELECT created_at FROM issues WHERE reporter_id = ? AND created_at > ?",
            (user_id, ts(now - ratelimit.WINDOW)),
        )
    ]
    return ratelimit.next_allowed(recent, now)


def _audience(issue: Issue) -> tuple[int, ...]:
    return (issue.reporter_id, *[f for f in issue.followers if f != issue.reporter_id])


def _change(
    conn: sqlite3.Connection,
    issue: Issue,
    command: Command,
    new_state: str,
    actor_id: int | None,
    now: datetime,
    compose: Compose,
    *,
    note: str | None = None,
    priority: str | None = None,
    other: Issue | None = None,
) -> Applied:
    """Apply an allowed command: row, history, followers (for /dup) and the messages it causes."""
    moment = ts(now)
    sets = ["state = ?", "updated_at = ?"]
    values: list[object] = [new_state, moment]
    if command is Command.CLOSE:
        sets += ["solution = ?", "resolved_at = ?", "fixed_state = 'asked'"]
        values += [note, moment]
    elif command in (Command.REOPEN, Command.NOT_FIXED):
        sets += ["resolved_at = NULL", "fixed_state = ?"]
        values.append("not_fixed" if command is Command.NOT_FIXED else None)
    elif command is Command.REJECT:
        sets.append("reason = ?")
        values.append(note)
    elif command is Command.DUP:
        assert other is not None
        sets += ["reason = ?", "duplicate_of = ?"]
        values += [note, other.id]
    elif command is Command.PRIORITY:
        sets.append("priority = ?")
        values.append(priority)
    conn.execute(f"UPDATE issues SET {', '.join(sets)} WHERE id = ?", (*values, issue.id))
    history_note = priority if command is Command.PRIORITY else note
    if command is Command.DUP and other is not None:
        history_note = f"#{other.id}"
        movers = [u for u in _audience(issue) if u != other.reporter_id]
        conn.executemany(
            "INSERT OR IGNORE INTO issue_followers (issue_id, user_id, created_at)"
            " VALUES (?, ?, ?)",
            [(other.id, u, moment) for u in movers],
        )
        conn.execute("DELETE FROM issue_followers WHERE issue_id = ?", (issue.id,))
        _history(conn, other.id, now, actor_id, "merged", None, None, f"#{issue.id}")
    entry = _history(
        conn, issue.id, now, actor_id, command.value, issue.state, new_state, history_note
    )
    after = load_issue(conn, issue.id)
    assert after is not None
    if other is not None:
        other = load_issue(conn, other.id)
    enqueue(conn, compose(IssueEvent(after, entry, _audience(issue), other)), now)
    return Applied(after, entry, other)


class IssueStore:
    def __init__(self, storage: Database) -> None:
        self._s = storage

    async def _write(
        self,
        fn: Callable[[sqlite3.Connection], object],
        update_id: int | None,
    ) -> object:
        result = await self._s.transaction(fn, update_id=update_id)
        self._s.outbox_signal.set()
        return result

    # -- raising ---------------------------------------------------------------------------

    async def create(
        self,
        new: NewIssue,
        *,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
        check_rate: bool = True,
        check_duplicates: bool = True,
    ) -> Created | RateLimited | LooksLike:
        def body(conn: sqlite3.Connection) -> Created | RateLimited | LooksLike:
            until = _rate_limit(conn, new.reporter_id, now) if check_rate else None
            if until is not None:
                return RateLimited(until)
            if check_duplicates and new.text:
                candidates = conn.execute(
                    "SELECT id, text FROM issues WHERE grid_id = ? AND state IN ('open', 'escalated')",
                    (new.grid_id,),
                ).fetchall()
                match = best_match(new.text, candidates)
                if match is not None:
                    draft = conn.execute(
                        "INSERT INTO drafts (user_id, payload, created_at) VALUES (?, ?, ?)"
                        " RETURNING id",
                        (new.reporter_id, json.dumps(asdict(new), ensure_ascii=False), ts(now)),
                    ).fetchone()
                    return LooksLike(match[0], draft[0])
            return Created(self._insert(conn, new, now, compose))

        result = await self._write(body, update_id)
        assert isinstance(result, Created | RateLimited | LooksLike)
        return result

    async def create_from_draft(
        self,
        draft_id: int,
        user_id: int,
        *,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
        check_rate: bool = True,
    ) -> Created | RateLimited | NotFound:
        """ "Report anyway" after a near-duplicate warning: the kept draft becomes an issue."""

        def body(conn: sqlite3.Connection) -> Created | RateLimited | NotFound:
            row = conn.execute(
                "SELECT payload FROM drafts WHERE id = ? AND user_id = ?", (draft_id, user_id)
            ).fetchone()
            if row is None:
                return NotFound(draft_id)
            data = json.loads(row[0])
            data["photos"] = tuple(data.get("photos") or ())
            new = NewIssue(**data)
            until = _rate_limit(conn, user_id, now) if check_rate else None
            if until is not None:
                return RateLimited(until)
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
            return Created(self._insert(conn, new, now, compose))

        result = await self._write(body, update_id)
        assert isinstance(result, Created | RateLimited | NotFound)
        return result

    async def drop_draft(self, draft_id: int, user_id: int) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "DELETE FROM drafts WHERE id = ? AND user_id = ?", (draft_id, user_id)
            )
        )

    def _insert(
        self, conn: sqlite3.Connection, new: NewIssue, now: datetime, compose: Compose
    ) -> Issue:
        moment = ts(now)
        (issue_id,) = conn.execute(
            "INSERT INTO issues (community_id, grid_id, chat_id, reporter_id, anonymous, text,"
            " category, priority, location_text, latitude, longitude, voice_file_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                new.community_id,
                new.grid_id,
                new.chat_id,
                new.reporter_id,
                int(new.anonymous),
                new.text,
                new.category,
                new.priority,
                new.location_text,
                new.latitude,
                new.longitude,
                new.voice_file_id,
                moment,
                moment,
            ),
        ).fetchone()
        conn.executemany(
            "INSERT INTO issue_photos (issue_id, position, file_id) VALUES (?, ?, ?)",
            [(issue_id, i, f) for i, f in enumerate(new.photos)],
        )
        entry = _history(conn, issue_id, now, new.reporter_id, "report", None, "open", None)
        issue = load_issue(conn, issue_id)
        assert issue is not None
        enqueue(
            conn, compose(IssueEvent(issue, entry, (new.reporter_id,), reply_to=new.reply_to)), now
        )
        return issue

    # -- changing --------------------------------------------------------------------------

    async def apply(
        self,
        issue_id: int,
        command: Command,
        who_of: Callable[[Issue], Who],
        *,
        actor_id: int | None,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
        note: str | None = None,
        priority: str | None = None,
        dup_of: int | None = None,
    ) -> Applied | NotFound | Refusal | BadTarget:
        def body(conn: sqlite3.Connection) -> Applied | NotFound | Refusal | BadTarget:
            issue = load_issue(conn, issue_id)
            if issue is None:
                return NotFound(issue_id)
            decision = decide(State(issue.state), command, who_of(issue))
            if not isinstance(decision, Allowed):
                return Refusal(decision.reason, issue)
            other: Issue | None = None
            if command is Command.DUP:
                other = load_issue(conn, dup_of) if dup_of is not None else None
                if other is None:
                    return BadTarget("missing")
                if other.id == issue.id:
                    return BadTarget("self")
                if other.state not in ACTIVE_STATES:
                    return BadTarget("closed")
                if other.community_id != issue.community_id:
                    return BadTarget("community")
            return _change(
                conn,
                issue,
                command,
                decision.new_state.value,
                actor_id,
                now,
                compose,
                note=note,
                priority=priority,
                other=other,
            )

        result = await self._write(body, update_id)
        assert isinstance(result, Applied | NotFound | Refusal | BadTarget)
        return result

    async def recategorize(
        self,
        issue_id: int,
        category: str,
        may: Callable[[Issue], bool],
        *,
        actor_id: int,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
    ) -> Applied | NotFound | CannotFollow:
        """A moderator corrects the suggested category (CannotFollow("denied") when not allowed)."""

        def body(conn: sqlite3.Connection) -> Applied | NotFound | CannotFollow:
            issue = load_issue(conn, issue_id)
            if issue is None:
                return NotFound(issue_id)
            if not may(issue):
                return CannotFollow("denied")
            if issue.state not in ACTIVE_STATES:
                return CannotFollow("closed")
            conn.execute(
                "UPDATE issues SET category = ?, updated_at = ? WHERE id = ?",
                (category, ts(now), issue_id),
            )
            entry = _history(conn, issue_id, now, actor_id, "category", None, None, category)
            after = load_issue(conn, issue_id)
            assert after is not None
            enqueue(conn, compose(IssueEvent(after, entry, ())), now)
            return Applied(after, entry)

        result = await self._write(body, update_id)
        assert isinstance(result, Applied | NotFound | CannotFollow)
        return result

    async def follow(
        self,
        issue_id: int,
        user_id: int,
        *,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
    ) -> Followed | CannotFollow | NotFound:
        def body(conn: sqlite3.Connection) -> Followed | CannotFollow | NotFound:
            issue = load_issue(conn, issue_id)
            if issue is None:
                return NotFound(issue_id)
            if issue.state not in ACTIVE_STATES:
                return CannotFollow("closed")
            if issue.reporter_id == user_id:
                return CannotFollow("own")
            added = (
                conn.execute(
                    "INSERT OR IGNORE INTO issue_followers (issue_id, user_id, created_at)"
                    " VALUES (?, ?, ?)",
                    (issue_id, user_id, ts(now)),
                ).rowcount
                == 1
            )
            after = load_issue(conn, issue_id)
            assert after is not None
            if added:
                entry = HistoryEntry(now, user_id, "follow", None, None, None)
                enqueue(conn, compose(IssueEvent(after, entry, ())), now)
            return Followed(after, added)

        result = await self._write(body, update_id)
        assert isinstance(result, Followed | CannotFollow | NotFound)
        return result

    async def confirm_fixed(
        self, issue_id: int, user_id: int, *, now: datetime, update_id: int | None = None
    ) -> Issue | NotFound | CannotFollow:
        """The reporter's "fixed" answer: the question is settled, nothing else changes."""

        def body(conn: sqlite3.Connection) -> Issue | NotFound | CannotFollow:
            issue = load_issue(conn, issue_id)
            if issue is None or issue.reporter_id != user_id:
                return NotFound(issue_id)
            if issue.state != "resolved" or issue.fixed_state != "asked":
                return CannotFollow("closed")
            conn.execute("UPDATE issues SET fixed_state = 'fixed' WHERE id = ?", (issue_id,))
            _history(conn, issue_id, now, user_id, "confirmed", None, None, None)
            after = load_issue(conn, issue_id)
            assert after is not None
            return after

        result = await self._s.transaction(body, update_id=update_id)
        return result

    # -- reply prompts ---------------------------------------------------------------------------

    async def add_prompt(
        self,
        chat_id: int,
        message_id: int,
        user_id: int,
        command: str,
        issue_id: int,
        now: datetime,
    ) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO prompts (chat_id, message_id, user_id, command, issue_id,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, message_id, user_id, command, issue_id, ts(now)),
            )
        )

    async def prompt(self, chat_id: int, message_id: int, user_id: int) -> tuple[str, int] | None:
        """The question a reply answers: (command, issue id), if it was asked of this user."""
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT command, issue_id FROM prompts WHERE chat_id = ? AND message_id = ?"
                " AND user_id = ?",
                (chat_id, message_id, user_id),
            ).fetchone()
        )
        return (str(row[0]), int(row[1])) if row else None

    async def drop_prompt(self, chat_id: int, message_id: int) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "DELETE FROM prompts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
            )
        )

    # -- reading ---------------------------------------------------------------------------

    async def get(self, issue_id: int) -> Issue | None:
        return await self._s.run(lambda conn: load_issue(conn, issue_id))

    async def board(
        self, scope: Scope, state: str, *, offset: int = 0, limit: int = 10
    ) -> tuple[list[IssueSummary], int]:
        """One board of a grid or a community, newest first, one page, with the board's total."""
        column, key = scope
        order = "i.updated_at DESC, i.id DESC" if state == "resolved" else "i.id DESC"

        def read(conn: sqlite3.Connection) -> tuple[list[IssueSummary], int]:
            total = conn.execute(
                f"SELECT count(*) FROM issues i WHERE i.{column} = ? AND i.state = ?",
                (key, state),
            ).fetchone()[0]
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.{column} = ?"
                f" AND i.state = ? ORDER BY {order} LIMIT ? OFFSET ?",
                (key, state, limit, offset),
            ).fetchall()
            return [summary_row(r) for r in rows], int(total)

        return await self._s.run(read)

    async def boards(
        self, scope: Scope, *, per_board: int = 8
    ) -> dict[str, tuple[list[IssueSummary], int]]:
        """The three boards at once (one await): newest of each and their totals."""
        column, key = scope

        def read(conn: sqlite3.Connection) -> dict[str, tuple[list[IssueSummary], int]]:
            result = {}
            for state in ("open", "escalated", "resolved"):
                order = "i.updated_at DESC, i.id DESC" if state == "resolved" else "i.id DESC"
                total = conn.execute(
                    f"SELECT count(*) FROM issues i WHERE i.{column} = ? AND i.state = ?",
                    (key, state),
                ).fetchone()[0]
                rows = conn.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.{column} = ?"
                    f" AND i.state = ? ORDER BY {order} LIMIT ?",
                    (key, state, per_board),
                ).fetchall()
                result[state] = ([summary_row(r) for r in rows], int(total))
            return result

        return await self._s.run(read)

    async def mine(
        self, user_id: int, *, limit: int = 30
    ) -> tuple[list[IssueSummary], list[IssueSummary]]:
        """(reported by the user, followed by the user), active ones first, newest first."""

        def read(conn: sqlite3.Connection) -> tuple[list[IssueSummary], list[IssueSummary]]:
            order = " ORDER BY i.state IN ('open', 'escalated') DESC, i.id DESC LIMIT ?"
            reported = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.reporter_id = ?" + order,
                (user_id, limit),
            ).fetchall()
            followed = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM issues i JOIN issue_followers f"
                " ON f.issue_id = i.id WHERE f.user_id = ?" + order,
                (user_id, limit),
            ).fetchall()
            return [summary_row(r) for r in reported], [summary_row(r) for r in followed]

        return await self._s.run(read)

    # -- the daily follow-up ------------------------------------------------------------------

    async def follow_up(
        self,
        now: datetime,
        today: str,
        *,
        compose: Compose,
        remind: Callable[[int, int, int, list[IssueSummary]], list[OutboxItem]],
    ) -> FollowUp | None:
        """Overdue reminders, automatic escalation and "fixed by silence", once per local day.

        None when it already ran today (a restart after 09:00 must not remind twice).
        """

        candidates = await self._s.read_slow(_follow_up_candidates)
        if candidates.last_run is not None and candidates.last_run >= today:
            return None
        plan = _plan_follow_up(candidates, now)

        def body(conn: sqlite3.Connection) -> FollowUp | None:
            row = conn.execute("SELECT last_run FROM job_runs WHERE name = 'followup'").fetchone()
            if row is not None and row[0] >= today:
                return None
            conn.execute(
                "INSERT INTO job_runs (name, last_run) VALUES ('followup', ?)"
                " ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run",
                (today,),
            )
            return _apply_follow_up(conn, plan, candidates.slas, now, compose, remind)

        # The town's candidates were read off the loop; applying them is short (one transaction
        # that re-checks each issue, so a change made meanwhile wins).
        result = await self._write(body, None)
        assert result is None or isinstance(result, FollowUp)
        return result

    # -- settings ----------------------------------------------------------------------------

    async def sla(self, community_id: int) -> tuple[int, int]:
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT sla_remind_days, sla_escalate_days FROM community_settings"
                " WHERE community_id = ?",
                (community_id,),
            ).fetchone()
        )
        return (int(row[0]), int(row[1])) if row else (7, 14)

    async def set_sla(
        self, community_id: int, remind: int, escalate: int, *, update_id: int | None = None
    ) -> None:
        await self._s.transaction(
            lambda conn: conn.execute(
                "INSERT INTO community_settings (community_id, sla_remind_days, sla_escalate_days)"
                " VALUES (?, ?, ?) ON CONFLICT (community_id) DO UPDATE SET"
                " sla_remind_days = excluded.sla_remind_days,"
                " sla_escalate_days = excluded.sla_escalate_days",
                (community_id, remind, escalate),
            ),
            update_id=update_id,
        )


@dataclass(frozen=True)
class _Candidates:
    """What the daily follow-up looks at, read in one go off the event loop."""

    last_run: str | None
    slas: dict[int, tuple[int, int]]  # community → (remind days, escalate days)
    open_issues: list[tuple[int, int, str]]  # id, community, updated_at
    asked: list[tuple[int, str]]  # resolved issues whose reporter was asked "Fixed?": id, when


@dataclass(frozen=True)
class _Plan:
    escalate: list[tuple[int, str, int]]  # issue, its updated_at as read, escalate days
    overdue: dict[int, list[tuple[int, str]]]  # community → (issue, updated_at as read)
    fixed: list[int]


async def _follow_up_candidates(conn: aiosqlite.Connection) -> _Candidates:
    rows = list(
        await conn.execute_fetchall("SELECT last_run FROM job_runs WHERE name = 'followup'")
    )
    slas = {
        int(cid): (int(r), int(e))
        for cid, r, e in await conn.execute_fetchall(
            "SELECT community_id, sla_remind_days, sla_escalate_days FROM community_settings"
        )
    }
    open_issues = [
        (int(i), int(c), str(u))
        for i, c, u in await conn.execute_fetchall(
            "SELECT id, community_id, updated_at FROM issues WHERE state = 'open' ORDER BY id"
        )
    ]
    asked = [
        (int(i), str(r))
        for i, r in await conn.execute_fetchall(
            "SELECT id, resolved_at FROM issues WHERE state = 'resolved' AND fixed_state = 'asked'"
        )
    ]
    return _Candidates(rows[0][0] if rows else None, slas, open_issues, asked)


def _plan_follow_up(found: _Candidates, now: datetime) -> _Plan:
    """The follow-up rules applied to what was read: pure arithmetic, no database."""
    plan = _Plan([], {}, [])
    for issue_id, community_id, updated in found.open_issues:
        remind_days, escalate_days = found.slas.get(community_id, (7, 14))
        changed = datetime.fromisoformat(updated)
        if followup.should_auto_escalate(changed, now, escalate_days):
            plan.escalate.append((issue_id, updated, escalate_days))
        elif followup.overdue_since(changed, now, remind_days):
            plan.overdue.setdefault(community_id, []).append((issue_id, updated))
    for issue_id, resolved in found.asked:
        if followup.fixed_by_silence(datetime.fromisoformat(resolved), now):
            plan.fixed.append(issue_id)
    return plan


def _apply_follow_up(
    conn: sqlite3.Connection,
    plan: _Plan,
    slas: dict[int, tuple[int, int]],
    now: datetime,
    compose: Compose,
    remind: Callable[[int, int, int, list[IssueSummary]], list[OutboxItem]],
) -> FollowUp:
    """Each planned change, if its issue is still as it was read (else a change came first)."""
    done = FollowUp()
    for issue_id, updated, escalate_days in plan.escalate:
        issue = load_issue(conn, issue_id)
        if issue is None or issue.state != "open" or ts(issue.updated_at) != updated:
            continue
        _change(
            conn, issue, Command.AUTO_ESCALATE, "escalated", None, now, compose,
            note=str(escalate_days),
        )  # fmt: skip
        done.escalated.append(issue_id)
    for community_id, items in plan.overdue.items():
        ids = [i for i, _ in items]
        marks = ",".join("?" * len(ids))
        rows = conn.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.id IN ({marks})"
            " AND i.state = 'open' ORDER BY i.updated_at",
            ids,
        ).fetchall()
        if not rows:
            continue
        summaries = [summary_row(r) for r in rows]
        done.reminders[community_id] = summaries
        remind_days, escalate_days = slas.get(community_id, (7, 14))
        enqueue(conn, remind(community_id, remind_days, escalate_days, summaries), now)
    for issue_id in plan.fixed:
        changed = conn.execute(
            "UPDATE issues SET fixed_state = 'fixed' WHERE id = ? AND state = 'resolved'"
            " AND fixed_state = 'asked'",
            (issue_id,),
        ).rowcount
        if changed:
            _history(conn, issue_id, now, None, "fixed_by_silence", None, None, None)
            done.fixed_by_silence.append(issue_id)
    return done
