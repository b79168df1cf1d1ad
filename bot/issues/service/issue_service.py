"""IssueService: the issues' use cases, built once in bot/app.py and reached as `context.issues`.

Each use case is one awaited database call: a transaction (recording the update's id, so that a
redelivered update has no second effect) whose body is in changing.py, raising.py or daily.py,
or one short read. The service owns the clock; what a change tells whom is queued inside the
transaction, and the outbox is woken after the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import TypeVar

from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.delivery.media import Media
from bot.issues.notify import Notifier
from bot.issues.rules.followup import plan, validate_sla
from bot.issues.rules.promises import BUILTIN_BODIES, parse_due
from bot.issues.rules.states import Command, Who
from bot.issues.service import adding, changing, convening, daily, owning, raising, recording
from bot.issues.service.adding import Addition
from bot.issues.service.changing import Order
from bot.issues.service.results import (
    Adding,
    AlbumPhoto,
    BodyChange,
    BodyList,
    Change,
    Check,
    FixedAnswer,
    Following,
    FollowUp,
    NoAlbum,
    Owning,
    Recategorizing,
    Reporting,
    ReportingAnyway,
    SlaInvalid,
    SlaSet,
)
from bot.issues.store import evidence, followup, owners, reads, voices
from bot.issues.store.reads import Board, Prompt, Sla
from bot.issues.store.records import Issue, IssueSummary, NewIssue, Scope, load_issue

T = TypeVar("T")


class IssueService:
    def __init__(self, db: Database, notifier: Notifier, *, clock: Clock = utcnow) -> None:
        self._db = db
        self._notifier = notifier
        self._clock = clock

    async def _write(self, body: Callable[[sqlite3.Connection], T], origin: Origin | None) -> T:
        result = await self._db.transaction(
            body, update_id=origin.update_id if origin is not None else None
        )
        self._db.outbox_signal.set()
        return result

    def _who_of(self, user_id: int) -> changing.WhoOf:
        return lambda issue: self._notifier.who(user_id, issue)

    # -- who is who (the caches only) ---------------------------------------------------------

    def name(self, user_id: int | None) -> str:
        return self._notifier.name(user_id)

    def viewer(self, user_id: int, issue: Issue) -> Who:
        """The user as seen from the issue's community: which of its buttons they get."""
        return self._notifier.who(user_id, issue)

    def sees_reporter(self, user_id: int, issue: Issue) -> bool:
        """Moderators and the reporter see who reported, even an anonymous report."""
        actor = self._notifier.actor(user_id, issue.community_id)
        return user_id == issue.reporter_id or actor.is_moderator

    def reachable(self, user_id: int) -> bool:
        return self._notifier.reachable(user_id)

    def evidence_for(self, user_id: int, issue: Issue) -> list[Media]:
        """The media shown after the card in private: an anonymous report's voice note only to
        its reporter and the moderators (a voice is a name)."""
        voice = not issue.anonymous or self.sees_reporter(user_id, issue)
        return self._notifier.evidence(issue, voice=voice)

    # -- raising and following ----------------------------------------------------------------

    async def report(self, origin: Origin, new: NewIssue) -> Reporting:
        """A new issue, unless the reporter reached the hourly limit (superadmins have none) or it
        looks like an active issue of the grid (then kept as a draft, for "report anyway")."""
        now, rated = self._clock(), not self._notifier.superadmin(new.sender_id)
        return await self._write(
            lambda conn: raising.report(conn, self._notifier, new, now, check_rate=rated), origin
        )

    async def report_anyway(self, origin: Origin, draft_id: int) -> ReportingAnyway:
        now, rated = self._clock(), not self._notifier.superadmin(origin.user_id)
        return await self._write(
            lambda conn: raising.report_anyway(
                conn, self._notifier, draft_id, origin.user_id, now, check_rate=rated
            ),
            origin,
        )

    async def follow(
        self, origin: Origin, issue_id: int, *, draft_id: int | None = None
    ) -> Following:
        """ "Me too"; with `draft_id`, instead of reporting the near-duplicate kept as that draft."""
        now = self._clock()
        return await self._write(
            lambda conn: raising.follow(
                conn, self._notifier, issue_id, origin.user_id, now, draft_id=draft_id
            ),
            origin,
        )

    # -- changing ------------------------------------------------------------------------------

    async def apply(
        self,
        origin: Origin,
        issue_id: int,
        command: Command,
        *,
        note: str | None = None,
        priority: str | None = None,
        dup_of: int | None = None,
        photo: str | None = None,
    ) -> Change:
        """A command of the state machine by the origin's user: allowed in the issue's state and
        by the permission table, or refused with the reason. `photo`: a /note's or /close's."""
        now, order = self._clock(), Order(command, note, priority, dup_of, photo)
        user = origin.user_id
        return await self._write(
            lambda conn: changing.apply(
                conn, self._notifier, issue_id, order, self._who_of(user), user, now
            ),
            origin,
        )

    async def escalate(self, origin: Origin, issue_id: int, note: str | None = None) -> Change:
        return await self.apply(origin, issue_id, Command.ESCALATE, note=note)

    async def close(self, origin: Origin, issue_id: int, solution: str) -> Change:
        return await self.apply(origin, issue_id, Command.CLOSE, note=solution)

    async def reject(self, origin: Origin, issue_id: int, reason: str) -> Change:
        return await self.apply(origin, issue_id, Command.REJECT, note=reason)

    async def add_note(self, origin: Origin, issue_id: int, note: str) -> Change:
        return await self.apply(origin, issue_id, Command.NOTE, note=note)

    async def add(self, origin: Origin, issue_id: int, addition: Addition) -> Adding:
        """/add by the origin's user: text, a photo or a voice note joins the issue's history."""
        now, where = self._clock(), (origin.chat_id, origin.user_id)
        return await self._write(
            lambda conn: adding.add(conn, self._notifier, issue_id, addition, where, now), origin
        )

    async def album_photo(self, origin: Origin, media_group_id: str, photo: str) -> AlbumPhoto:
        """An album's photo without a caption: it follows the captioned one, if that one was a
        /report or an /add of the same sender in the same chat. Most albums in a group are
        nobody's report: those are read, not written (no transaction, no recorded update)."""
        now, where = self._clock(), (origin.chat_id, origin.user_id)
        known = await self._db.run(
            lambda conn: evidence.album_of(conn, origin.chat_id, media_group_id, origin.user_id)
        )
        if known is None:
            return NoAlbum()
        return await self._write(
            lambda conn: adding.album_photo(
                conn, self._notifier, media_group_id, photo, where, now
            ),
            origin,
        )

    # -- owners and promises -------------------------------------------------------------------

    def today(self) -> date:
        """The local date (MULIN_TZ) of the service's clock: promises are kept by the day."""
        return self._clock().astimezone(self._notifier.tz).date()

    async def bodies(self, community_id: int) -> BodyList:
        names = await self._db.run(lambda conn: owners.bodies(conn, community_id))
        return BodyList(community_id, (*BUILTIN_BODIES, *names))

    async def add_body(self, origin: Origin, community_id: int, name: str) -> BodyChange:
        """The caller's permission was checked by the scope resolver (Action.EDIT_BODIES)."""
        now = self._clock()
        return await self._write(
            lambda conn: owning.add_body(conn, community_id, name, now), origin
        )

    async def remove_body(self, origin: Origin, community_id: int, name: str) -> BodyChange:
        return await self._write(lambda conn: owning.remove_body(conn, community_id, name), origin)

    async def assign(
        self, origin: Origin, issue_id: int, body: str, assignee_id: int | None
    ) -> Owning:
        now, user = self._clock(), origin.user_id
        return await self._write(
            lambda conn: owning.assign(
                conn, self._notifier, issue_id, body, assignee_id, user, now
            ),
            origin,
        )

    async def promise(self, origin: Origin, issue_id: int, due: str, note: str | None) -> Owning:
        """`due` as written (2026-12-31): today or later, read in MULIN_TZ."""
        now, user = self._clock(), origin.user_id
        parsed = parse_due(due, self.today())
        return await self._write(
            lambda conn: owning.promise(conn, self._notifier, issue_id, parsed, note, user, now),
            origin,
        )

    async def check(self, origin: Origin, issue_id: int, command: Command) -> Check:
        """Whether the command would be applied now (before asking for its text)."""
        who_of = self._who_of(origin.user_id)
        return await self._db.run(lambda conn: changing.check(conn, issue_id, command, who_of))

    async def recategorize(self, origin: Origin, issue_id: int, category: str) -> Recategorizing:
        now, user = self._clock(), origin.user_id
        return await self._write(
            lambda conn: changing.recategorize(conn, self._notifier, issue_id, category, user, now),
            origin,
        )

    async def answer_fixed(self, origin: Origin, issue_id: int, answer: str) -> FixedAnswer:
        """An answer to "Fixed?" (fixed | partly | not_fixed) by the reporter or a follower."""
        now, user = self._clock(), origin.user_id
        return await self._write(
            lambda conn: changing.answer_fixed(conn, self._notifier, issue_id, answer, user, now),
            origin,
        )

    # -- reply prompts ---------------------------------------------------------------------------

    async def ask(self, origin: Origin, message_id: int, kind: str, issue_id: int) -> None:
        """Remember the question `message_id` asked the origin's user in the origin's chat."""
        now = self._clock()
        await self._db.transaction(
            lambda conn: reads.add_prompt(
                conn, origin.chat_id, message_id, origin.user_id, kind, issue_id, now
            )
        )

    async def prompt(self, origin: Origin, message_id: int) -> Prompt | None:
        """The question a reply to `message_id` answers, if it was asked of the origin's user."""
        return await self._db.run(
            lambda conn: reads.prompt(conn, origin.chat_id, message_id, origin.user_id)
        )

    async def answer(self, origin: Origin, message_id: int, asked: Prompt, text: str) -> Change:
        """The text the prompt asked for: the prompt is settled and its command applied."""
        now, user = self._clock(), origin.user_id
        prompt = (origin.chat_id, message_id, asked)
        return await self._write(
            lambda conn: changing.answer_prompt(conn, self._notifier, prompt, text, user, now),
            origin,
        )

    def record_in(
        self, conn: sqlite3.Connection, issue_id: int, action: str, note: str, now: datetime
    ) -> bool:
        """A line of the bot's in the issue's history, written inside another feature's
        transaction (a vote's result: bot/votes); the issue's card is refreshed with it."""
        return recording.record(conn, self._notifier, issue_id, action, note, now)

    # -- reading -------------------------------------------------------------------------------

    async def get(self, issue_id: int) -> Issue | None:
        return await self._db.run(lambda conn: load_issue(conn, issue_id))

    async def boards(self, scope: Scope, *, per_board: int = 8) -> dict[str, Board]:
        """The three boards of a grid or a community at once: newest of each, and totals."""
        return await self._db.run(lambda conn: reads.boards(conn, scope, per_board=per_board))

    async def board(self, scope: Scope, state: str, *, page: int, per_page: int) -> Board:
        return await self._db.run(
            lambda conn: reads.board(conn, scope, state, offset=page * per_page, limit=per_page)
        )

    async def mine(self, user_id: int) -> tuple[list[IssueSummary], list[IssueSummary]]:
        """(reported by the user, followed by the user), active ones first."""
        return await self._db.run(lambda conn: reads.mine(conn, user_id))

    async def agenda(
        self, community_id: int, *, excluding: Collection[int] = ()
    ) -> list[IssueSummary]:
        """The monthly meeting's agenda (bot/issues/store/reads.py `agenda`)."""
        return await self._db.run(
            lambda conn: reads.agenda(conn, community_id, excluding=excluding)
        )

    # -- inside a visit's transaction (bot/visits) ------------------------------------------------

    def make_urgent_in(
        self, conn: sqlite3.Connection, issue_id: int, actor_id: int, now: datetime
    ) -> Issue | None:
        """/convene: the issue made urgent in the caller's transaction (service/convening.py)."""
        return convening.make_urgent(conn, self._notifier, issue_id, actor_id, now)

    # -- follow-up days and the daily follow-up ---------------------------------------------------

    async def sla(self, community_id: int) -> Sla:
        return await self._db.run(lambda conn: reads.sla(conn, community_id))

    async def set_sla(
        self, origin: Origin, community_id: int, remind_days: int, escalate_days: int
    ) -> SlaSet | SlaInvalid:
        """The caller's permission was checked by the scope resolver (Action.SET_SLA)."""
        problem = validate_sla(remind_days, escalate_days)
        if problem is not None:
            return SlaInvalid(problem)
        days = Sla(remind_days, escalate_days)
        await self._db.transaction(
            lambda conn: reads.set_sla(conn, community_id, days), update_id=origin.update_id
        )
        return SlaSet(community_id, days)

    async def follow_threshold(self, community_id: int) -> int:
        return await self._db.run(lambda conn: voices.threshold(conn, community_id))

    async def set_follow_threshold(self, origin: Origin, community_id: int, followers: int) -> None:
        """The caller's permission was checked by the scope resolver (Action.SET_FOLLOW)."""
        await self._db.transaction(
            lambda conn: voices.set_threshold(conn, community_id, followers),
            update_id=origin.update_id,
        )

    async def follow_up(self, now: datetime, today: str) -> FollowUp | None:
        """Overdue reminders, automatic escalation and "fixed by silence", once per local day
        `today`; None when it already ran that day (a restart after 09:00 must not repeat it).

        The town's candidates are read off the loop; applying them is one short transaction."""
        found = await self._db.read_slow(followup.candidates)
        if found.last_run is not None and found.last_run >= today:
            return None
        planned = plan(found, now)
        return await self._write(
            lambda conn: daily.follow_up(conn, self._notifier, found, planned, today, now), None
        )
