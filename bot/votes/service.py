"""Votes' use cases: open a vote, cast a ballot, close a vote (early or by the minute's job),
list the open ones.

Each use case is one transaction (BEGIN IMMEDIATE) that reads, asks the pure rules, writes and
queues what the change tells whom — so a press is one awaited database call, a ballot and the
card refresh it causes are committed together, and a vote's closing, its result messages and
its line in the issue's history happen once or not at all. The ballot's uniqueness is the
database's (bot/votes/store.py): 200 presses at once count 200 people at most once each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from bot.core.audience import Audience
from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.core.registry import Registry
from bot.core.roles import Action, Actor
from bot.delivery.outbox_store import enqueue
from bot.issues.service import IssueService, load_issue
from bot.votes import store
from bot.votes.notify import VoteNotifier
from bot.votes.rules import LIST_LIMIT, Vote, VoteLine, closes_at, history_note

T = TypeVar("T")

HISTORY_ACTION = "vote"  # the issue history's action for a vote's result


@dataclass(frozen=True)
class VoteOpened:
    vote: Vote
    groups: int


@dataclass(frozen=True)
class Voted:
    vote: Vote  # with the counts after this ballot
    choice: int
    event: str  # new | changed | same


@dataclass(frozen=True)
class VoteClosedNow:
    vote: Vote
    groups: int


@dataclass(frozen=True)
class VoteMissing:
    vote_id: int


@dataclass(frozen=True)
class VoteIsClosed:
    vote_id: int


@dataclass(frozen=True)
class NotVoter:
    """The press came from outside the vote's groups and its presser is not known to be in one;
    `chats`: the vote's groups, for the handler to ask about membership."""

    chats: tuple[int, ...]


@dataclass(frozen=True)
class BadChoice:
    pass


@dataclass(frozen=True)
class NotOfficial:
    community: str


@dataclass(frozen=True)
class IssueMissing:
    issue_id: int


@dataclass(frozen=True)
class NoGroups:
    pass


Opening = VoteOpened | NotOfficial | IssueMissing | NoGroups
Casting = Voted | VoteMissing | VoteIsClosed | NotVoter | BadChoice
Closing = VoteClosedNow | VoteMissing | VoteIsClosed | NotOfficial


class _Outside(Exception):
    """Rolls the press's transaction back (its update id with it) until membership is known."""

    def __init__(self, chats: tuple[int, ...]) -> None:
        super().__init__("press from outside the vote's groups")
        self.chats = chats


class VoteService:
    def __init__(
        self,
        db: Database,
        registry: Registry,
        people: Audience,
        issues: IssueService,
        admins: frozenset[int],
        clock: Clock = utcnow,
    ) -> None:
        self._db = db
        self._registry = registry
        self._people = people
        self._issues = issues
        self._admins = admins
        self._clock = clock
        self._notify = VoteNotifier(people)

    def _may(self, user_id: int, community_id: int) -> bool:
        roles = self._registry.roles_of(user_id, community_id)
        return Actor.of(user_id, roles, self._admins).may(Action.VOTE)

    def _targets(self, community_id: int, grid_id: int | None) -> list[int]:
        """Every group of the community, or of the issue's grid."""
        chats = self._registry.group_chats(community_id)
        return sorted(c.id for c in chats if grid_id is None or c.grid_id == grid_id)

    async def _write(self, fn: Callable[[sqlite3.Connection], T], origin: Origin) -> T:
        result = await self._db.transaction(fn, update_id=origin.update_id)
        self._db.outbox_signal.set()
        return result

    # -- opening -------------------------------------------------------------------------------

    async def open(self, origin: Origin, line: VoteLine, community_id: int | None) -> Opening:
        """In `community_id`'s groups, or with #N in the groups of the issue's grid (the issue's
        community then decides who may)."""
        now = self._clock()

        def body(conn: sqlite3.Connection) -> Opening:
            where, grid = community_id, None
            if line.issue_id is not None:
                issue = load_issue(conn, line.issue_id)
                if issue is None:
                    return IssueMissing(line.issue_id)
                where, grid = issue.community_id, issue.grid_id
            assert where is not None, "a vote without #N names its community"
            if not self._may(origin.user_id, where):
                return NotOfficial(self._people.community_name(where))
            chats = self._targets(where, grid)
            if not chats:
                return NoGroups()
            closes = closes_at(now, line.days)
            vid = store.insert_vote(
                conn, where, line.issue_id, line.question, line.options, origin.user_id, now, closes
            )
            store.add_cards(conn, vid, chats)
            vote = store.load_vote(conn, vid)
            assert vote is not None
            enqueue(conn, self._notify.cards(vote, chats), now)
            return VoteOpened(vote, len(chats))

        return await self._write(body, origin)

    # -- voting --------------------------------------------------------------------------------

    async def cast(
        self, origin: Origin, vote_id: int, choice: int, *, member: bool = False
    ) -> Casting:
        """A press: the person's one ballot is `choice` now. A press on the vote's card in one of
        its groups comes from a member; from elsewhere, `member` says the handler checked."""
        now, user_id = self._clock(), origin.user_id

        def body(conn: sqlite3.Connection) -> Casting:
            vote = store.load_vote(conn, vote_id)
            if vote is None:
                return VoteMissing(vote_id)
            if not vote.open_at(now):
                return VoteIsClosed(vote_id)
            if not 0 <= choice < len(vote.options):
                return BadChoice()
            chats = store.card_chats(conn, vote_id)
            if origin.chat_id not in chats and not member:
                raise _Outside(chats)
            before = store.ballot(conn, vote_id, user_id)
            if before == choice:
                return Voted(vote, choice, "same")
            store.cast(conn, vote_id, user_id, choice, now)
            enqueue(conn, self._notify.refreshes(vote, chats), now)
            return Voted(
                vote.with_ballot(before, choice), choice, "new" if before is None else "changed"
            )

        try:
            return await self._write(body, origin)
        except _Outside as outside:
            return NotVoter(outside.chats)

    # -- closing -------------------------------------------------------------------------------

    def _close(
        self, conn: sqlite3.Connection, vote_id: int, now: datetime, by: int | None
    ) -> tuple[Vote, int] | None:
        """Closed once: the final cards, the result in every group, the issue's history line."""
        if not store.mark_closed(conn, vote_id, now, by):
            return None
        vote = store.load_vote(conn, vote_id)
        assert vote is not None
        chats = store.card_chats(conn, vote_id)
        items = self._notify.results(vote, chats)
        enqueue(conn, items, now)
        if vote.issue_id is not None:
            self._issues.record_in(conn, vote.issue_id, HISTORY_ACTION, history_note(vote), now)
        return vote, sum(1 for c in chats if self._people.group_active(c))

    async def close(self, origin: Origin, vote_id: int) -> Closing:
        """/closevote: early, by a community official of the vote's community."""
        now = self._clock()

        def body(conn: sqlite3.Connection) -> Closing:
            vote = store.load_vote(conn, vote_id)
            if vote is None:
                return VoteMissing(vote_id)
            if not self._may(origin.user_id, vote.community_id):
                return NotOfficial(self._people.community_name(vote.community_id))
            closed = self._close(conn, vote_id, now, origin.user_id)
            if closed is None:
                return VoteIsClosed(vote_id)
            return VoteClosedNow(*closed)

        return await self._write(body, origin)

    async def close_due(self, now: datetime | None = None) -> list[int]:
        """The minute's job: every vote whose time has come, closed once (across restarts: the
        closing is committed with the messages it queues)."""
        moment = now or self._clock()

        def body(conn: sqlite3.Connection) -> list[int]:
            return [v for v in store.due(conn, moment) if self._close(conn, v, moment, None)]

        return await self._write(body, Origin.job())

    # -- reading -------------------------------------------------------------------------------

    async def open_votes(self, community_id: int) -> list[Vote]:
        now = self._clock()
        return await self._db.run(
            lambda conn: store.open_votes(conn, community_id, now, LIST_LIMIT)
        )

    async def get(self, vote_id: int) -> Vote | None:
        return await self._db.run(lambda conn: store.load_vote(conn, vote_id))
