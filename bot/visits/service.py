"""The visits' use cases: a draft and its publication, /convene, /cancelvisit, the reminders
(each once, across restarts), /meeting's list, and the minutes of a visit that started.

Each use case is one transaction (recording the update's id, so a redelivered update has one
effect); who is told is queued in the outbox in that same commit, and remembered (visit_told)
so that a cancellation reaches everyone who heard of the visit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.audience import Audience
from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.delivery.outbox_store import OutboxItem, enqueue
from bot.issues.service import Issue, IssueService, IssueSummary, active_in_grids, load_issue
from bot.visits import notify, rules, store
from bot.visits.store import NewVisit, Visit

__all__ = ["Convened", "Drafted", "Published", "Refused", "Visit", "VisitService"]


@dataclass(frozen=True)
class Refused:
    """Why not: a key of bot/visits/views.py PROBLEMS, or missing | inactive | community |
    unknown | gone (with the issue's or the visit's number)."""

    why: str
    number: int = 0


@dataclass(frozen=True)
class Drafted:
    visit: Visit
    agenda: list[IssueSummary]
    groups: int
    now: datetime


@dataclass(frozen=True)
class Published:
    visit: Visit
    groups: int


@dataclass(frozen=True)
class Convened:
    visit: Visit
    issue: Issue
    groups: int
    people: int


@dataclass(frozen=True)
class Cancelled:
    visit: Visit
    told: int


@dataclass(frozen=True)
class VisitItem:
    """The next undecided item of a started visit: `position` of `total`."""

    visit: Visit
    item: IssueSummary
    issue: Issue
    position: int
    total: int


def summaries(conn: sqlite3.Connection, issue_ids: Sequence[int]) -> list[IssueSummary]:
    found = (load_issue(conn, i) for i in issue_ids)
    return [IssueSummary.of(issue) for issue in found if issue is not None]


def check_agenda(
    conn: sqlite3.Connection, community_id: int, issue_ids: Sequence[int]
) -> list[Issue] | Refused:
    """The agenda's issues: each of the community, open or escalated."""
    if not 1 <= len(issue_ids) <= rules.AGENDA_LIMIT:
        return Refused("agenda")
    found = []
    for issue_id in issue_ids:
        issue = load_issue(conn, issue_id)
        if issue is None:
            return Refused("missing", issue_id)
        if issue.community_id != community_id:
            return Refused("community", issue_id)
        if not issue.active:
            return Refused("inactive", issue_id)
        found.append(issue)
    return found


def undecided(conn: sqlite3.Connection, visit: Visit) -> list[tuple[int, Issue]]:
    """The visit's items still to decide, with their agenda position: those not decided and
    still open or escalated (an item solved meanwhile is not asked)."""
    found = []
    for position, issue_id in enumerate(visit.items, start=1):
        issue = load_issue(conn, issue_id) if issue_id not in visit.decided else None
        if issue is not None and issue.active:
            found.append((position, issue))
    return found


class VisitService:
    def __init__(
        self,
        db: Database,
        people: Audience,
        issues: IssueService,
        tz: ZoneInfo,
        clock: Clock = utcnow,
    ) -> None:
        self._db = db
        self._people = people
        self._issues = issues
        self._tz = tz
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def _send(self, conn: sqlite3.Connection, visit: Visit, items: list[OutboxItem]) -> None:
        enqueue(conn, items, self._clock())
        store.add_told(conn, visit.id, [i.chat_id for i in items])

    # -- a draft and its publication ------------------------------------------------------------

    async def draft(
        self,
        origin: Origin,
        community_id: int,
        title: str,
        start: datetime,
        place: str,
        issue_ids: Sequence[int],
        grid_ids: Sequence[int] = (),
    ) -> Drafted | Refused:
        """A draft to preview; its grids are `grid_ids`, else those of its issues."""
        now = self._clock()
        problem = rules.problem_with_start(start, now)
        if problem is not None:
            return Refused(problem)

        def body(conn: sqlite3.Connection) -> Drafted | Refused:
            issues = check_agenda(conn, community_id, issue_ids)
            if isinstance(issues, Refused):
                return issues
            grids = tuple(grid_ids) or tuple(dict.fromkeys(i.grid_id for i in issues))
            new = NewVisit(
                community_id, "visit", title, start, place, origin.user_id, grids, tuple(issue_ids)
            )
            visit = store.get(conn, store.insert(conn, new, now))
            assert visit is not None
            agenda = [IssueSummary.of(i) for i in issues]
            return Drafted(visit, agenda, len(notify.groups(self._people, visit)), now)

        return await self._db.transaction(body, update_id=origin.update_id)

    async def publish(self, origin: Origin, visit_id: int) -> Published | Refused:
        """The draft becomes V<n>, announced with its agenda in its grids' groups."""
        now = self._clock()

        def body(conn: sqlite3.Connection) -> Published | Refused:
            draft = store.get(conn, visit_id)
            if draft is None or draft.state != "draft":
                return Refused("gone")
            if draft.starts_at <= now:
                return Refused("past")
            store.publish(conn, visit_id, now)
            visit = store.get(conn, visit_id)
            assert visit is not None
            render = notify.announcement(self._people, visit, summaries(conn, visit.items), now)
            chats = notify.groups(self._people, visit)
            self._send(conn, visit, notify.to_chats(self._people, chats, render))
            return Published(visit, len(chats))

        result = await self._db.transaction(body, update_id=origin.update_id)
        self._db.outbox_signal.set()
        return result

    async def discard(self, origin: Origin, visit_id: int) -> bool:
        def body(conn: sqlite3.Connection) -> bool:
            draft = store.get(conn, visit_id)
            if draft is None or draft.state != "draft":
                return False
            store.cancel(conn, visit_id, None)
            return True

        return await self._db.transaction(body, update_id=origin.update_id)

    async def get(self, visit_id: int) -> Visit | None:
        return await self._db.run(lambda conn: store.get(conn, visit_id))

    async def choices(self, grid_ids: Sequence[int]) -> list[IssueSummary]:
        """What a guided /visit offers for its agenda: the grids' open and escalated issues."""
        return await self._db.run(lambda conn: active_in_grids(conn, grid_ids, limit=30))

    # -- /convene --------------------------------------------------------------------------------

    async def convene(
        self, origin: Origin, issue_id: int, start: datetime, place: str
    ) -> Convened | Refused:
        """An urgent meeting for one active issue, published at once: its group, every other
        moderator of the community, its reporter and followers; the issue becomes urgent.
        The caller's permission in the issue's community was checked by the handler."""
        now = self._clock()
        problem = rules.problem_with_start(start, now)
        if problem is not None:
            return Refused(problem)

        def body(conn: sqlite3.Connection) -> Convened | Refused:
            found = load_issue(conn, issue_id)
            if found is None:
                return Refused("missing", issue_id)
            if not found.active:
                return Refused("inactive", issue_id)
            issue = self._issues.make_urgent_in(conn, issue_id, origin.user_id, now)
            assert issue is not None
            new = NewVisit(
                issue.community_id, "urgent", "", start, place, origin.user_id,
                (issue.grid_id,), (issue.id,),
            )  # fmt: skip
            vid = store.insert(conn, new, now)
            store.publish(conn, vid, now)
            visit = store.get(conn, vid)
            assert visit is not None
            render = notify.announcement(self._people, visit, [IssueSummary.of(issue)], now)
            chat = issue.chat_id
            groups = [chat] if chat is not None and self._people.group_active(chat) else []
            moderators = self._people.moderators(issue.community_id)
            people = [
                u
                for u in dict.fromkeys([*moderators, *notify.affected(self._people, [issue])])
                if u != origin.user_id and self._people.reachable(u)
            ]
            self._send(conn, visit, notify.to_chats(self._people, [*groups, *people], render))
            return Convened(visit, issue, len(groups), len(people))

        result = await self._db.transaction(body, update_id=origin.update_id)
        self._db.outbox_signal.set()
        return result

    # -- /cancelvisit ----------------------------------------------------------------------------

    async def find(self, number: int) -> Visit | None:
        return await self._db.run(lambda conn: store.by_number(conn, number))

    async def cancel(
        self, origin: Origin, visit_id: int, reason: str | None
    ) -> Cancelled | Refused:
        """Everyone told of the visit (groups, and people privately) hears it is cancelled."""
        now = self._clock()

        def body(conn: sqlite3.Connection) -> Cancelled | Refused:
            visit = store.get(conn, visit_id)
            if visit is None or visit.state != "published" or visit.starts_at <= now:
                return Refused("gone")
            told = store.told(conn, visit_id)
            store.cancel(conn, visit_id, reason)
            items = notify.to_chats(self._people, told, notify.cancelled(visit, reason))
            enqueue(conn, items, now)
            return Cancelled(visit, len(told))

        result = await self._db.transaction(body, update_id=origin.update_id)
        self._db.outbox_signal.set()
        return result

    # -- reading ---------------------------------------------------------------------------------

    async def upcoming(self, community_id: int) -> list[Visit]:
        now = self._clock()
        return await self._db.run(lambda conn: store.upcoming(conn, community_id, now))

    # -- the reminders ---------------------------------------------------------------------------

    async def remind(self, now: datetime | None = None) -> int:
        """Every reminder due at `now` and not sent yet, each once: how many were queued."""
        now = now or self._clock()
        ahead = now + timedelta(days=2)

        def body(conn: sqlite3.Connection) -> int:
            sent = 0
            for visit in store.remindable(conn, now, ahead):
                assert visit.published_at is not None
                for which in rules.due_reminders(
                    visit.starts_at, visit.published_at, now, self._tz
                ):
                    if store.mark_reminded(conn, visit.id, which, now):
                        self._remind_one(conn, visit, which, now)
                        sent += 1
            return sent

        sent = await self._db.transaction(body)
        if sent:
            self._db.outbox_signal.set()
        return sent

    def _remind_one(
        self, conn: sqlite3.Connection, visit: Visit, which: str, now: datetime
    ) -> None:
        issues = [i for i in (load_issue(conn, n) for n in visit.items) if i is not None]
        agenda = [IssueSummary.of(i) for i in issues]
        chats = [*notify.groups(self._people, visit), *notify.affected(self._people, issues)]
        render = notify.reminder(self._people, visit, which, agenda, now)
        self._send(conn, visit, notify.to_chats(self._people, chats, render))

    # -- the minutes of a visit that started -----------------------------------------------------

    async def started(self, community_ids: Sequence[int]) -> list[Visit]:
        """Visits of these communities that started (within the minutes' window) and still
        have undecided items."""
        now = self._clock()
        since = now - rules.MINUTES_WINDOW

        def read(conn: sqlite3.Connection) -> list[Visit]:
            found = store.started(conn, community_ids, now, since)
            return [v for v in found if any(undecided(conn, v))]

        return await self._db.run(read)

    async def next_item(self, visit_id: int) -> VisitItem | Visit | None:
        """The first undecided item of the visit, else the visit (all decided); None for a
        visit that is not a published one that started (a forged or stale button)."""
        now = self._clock()

        def read(conn: sqlite3.Connection) -> VisitItem | Visit | None:
            visit = store.get(conn, visit_id)
            if visit is None or visit.state != "published" or visit.starts_at > now:
                return None
            for position, issue in undecided(conn, visit)[:1]:
                return VisitItem(visit, IssueSummary.of(issue), issue, position, len(visit.items))
            return visit

        return await self._db.run(read)

    async def record(self, origin: Origin, visit_id: int, issue_id: int, decision: str) -> None:
        now = self._clock()
        await self._db.transaction(
            lambda conn: store.decide(conn, visit_id, issue_id, decision, origin.user_id, now)
        )
