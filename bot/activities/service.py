"""Activities' use cases: draft, publish, sign up and its waitlist, cancel, roster, announce, and
the reminder job.

Each use case is one transaction (BEGIN IMMEDIATE): it reads, asks the pure rules, writes and
queues what the change tells whom, all in one go — so the seat check and the sign-up it allows
are atomic (seats are never oversold), and a press costs one awaited database call. It returns
a typed result: the success, or why not (bot/activities/rules/refusals.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from bot.activities import store
from bot.activities.notify import ActivityChange, ActivityNotifier
from bot.activities.results import (
    ActivityCancelled,
    ActivityPublished,
    ActivityRoster,
    Announced,
    AnnounceResult,
    CancelResult,
    DiscardResult,
    DraftDiscarded,
    DraftMade,
    DraftResult,
    GridChoice,
    GridsResult,
    Organized,
    PublishResult,
    Reminders,
    RosterResult,
    SignedUp,
    SignupCancelled,
    SignupResult,
    WithdrawResult,
)
from bot.activities.rules import seats as seat_rules
from bot.activities.rules.model import Activity, ActivityDetails, NewActivity, Signup
from bot.activities.rules.refusals import (
    ActivityMissing,
    ActivityOver,
    ActivityRefusal,
    AlreadyPublished,
    AlreadyStarted,
    DeadlinePassed,
    NoRoom,
    NotOrganizer,
    NotSignedUp,
    PartyOutOfRange,
    SignupClosed,
    cancel_refusal,
    draft_refusal,
    publish_refusal,
    signup_refusal,
    withdraw_refusal,
)
from bot.core.audience import Audience
from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.core.records import Community
from bot.core.registry import Registry
from bot.core.roles import Action, Actor
from bot.delivery.outbox_store import enqueue

# What handlers and other features use, from here rather than from the modules behind.
__all__ = [
    "Activity",
    "ActivityCancelled",
    "ActivityDetails",
    "ActivityMissing",
    "ActivityOver",
    "ActivityPublished",
    "ActivityRefusal",
    "ActivityRoster",
    "ActivityService",
    "AlreadyPublished",
    "AlreadyStarted",
    "Announced",
    "DeadlinePassed",
    "DraftDiscarded",
    "DraftMade",
    "GridChoice",
    "NoRoom",
    "NotOrganizer",
    "NotSignedUp",
    "PartyOutOfRange",
    "Reminders",
    "SignedUp",
    "Signup",
    "SignupCancelled",
    "SignupClosed",
]

T = TypeVar("T")

REMIND_BEFORE = timedelta(hours=24)


class ActivityService:
    def __init__(
        self,
        db: Database,
        registry: Registry,
        people: Audience,
        admins: frozenset[int],
        clock: Clock = utcnow,
    ) -> None:
        self._db = db
        self._registry = registry
        self._admins = admins
        self._clock = clock
        self._notify = ActivityNotifier(people)

    # -- who and where ---------------------------------------------------------------------------

    def _may_organize(self, user_id: int, community_id: int) -> bool:
        roles = self._registry.roles_of(user_id, community_id)
        return Actor.of(user_id, roles, self._admins).may(Action.ORGANIZE)

    def _organized(self, conn: sqlite3.Connection, activity_id: int, user_id: int) -> Organized:
        """The activity, if it exists and the user organizes in its community."""
        activity = store.load_activity(conn, activity_id)
        if activity is None:
            return ActivityMissing(activity_id)
        if not self._may_organize(user_id, activity.community_id):
            return NotOrganizer()
        return activity

    def targets(self, activity: Activity) -> list[int]:
        """The groups it is published to: those of its grids, or all of the community's."""
        chats = self._registry.group_chats(activity.community_id)
        if activity.grid_ids:
            chats = [c for c in chats if c.grid_id in activity.grid_ids]
        return sorted(c.id for c in chats)

    async def _write(self, fn: Callable[[sqlite3.Connection], T], origin: Origin) -> T:
        """A use case that may queue messages: one transaction, then the outbox is woken."""
        result = await self._db.transaction(fn, update_id=origin.update_id)
        self._db.outbox_signal.set()
        return result

    # -- drafts ----------------------------------------------------------------------------------

    async def create_draft(
        self, origin: Origin, community_id: int, details: ActivityDetails
    ) -> DraftResult:
        if not self._may_organize(origin.user_id, community_id):
            return NotOrganizer()
        new = NewActivity.of(community_id, origin.user_id, details)
        now = self._clock()

        def body(conn: sqlite3.Connection) -> Activity:
            activity = store.load_activity(conn, store.insert_activity(conn, new, now))
            assert activity is not None
            return activity

        activity = await self._db.transaction(body, update_id=origin.update_id)
        return DraftMade(activity, len(self.targets(activity)))

    async def choose_grids(
        self, origin: Origin, activity_id: int, toggle: int | None
    ) -> GridsResult:
        """The grid picker of a draft; `toggle` (a grid of its community) chosen or unchosen."""

        def body(conn: sqlite3.Connection) -> GridsResult:
            found = self._organized(conn, activity_id, origin.user_id)
            if not isinstance(found, Activity):
                return found
            refused = draft_refusal(found)
            if refused is not None:
                return refused
            grids = tuple((g.id, g.name) for g in self._registry.grids_of(found.community_id))
            if toggle is not None and any(g == toggle for g, _ in grids):
                store.set_grids(conn, activity_id, sorted(set(found.grid_ids) ^ {toggle}))
                found = store.load_activity(conn, activity_id) or found
            return GridChoice(found, grids)

        if toggle is None:
            return await self._db.run(body)
        return await self._db.transaction(body, update_id=origin.update_id)

    async def discard(self, origin: Origin, activity_id: int) -> DiscardResult:
        def body(conn: sqlite3.Connection) -> DiscardResult:
            found = self._organized(conn, activity_id, origin.user_id)
            if not isinstance(found, Activity):
                return found
            refused = draft_refusal(found)
            if refused is not None:
                return refused
            store.mark_cancelled(conn, activity_id, None)
            return DraftDiscarded(found)

        return await self._db.transaction(body, update_id=origin.update_id)

    async def publish(self, origin: Origin, activity_id: int) -> PublishResult:
        """Draft → published; its card queued for every target group, each exactly once."""
        now = self._clock()

        def body(conn: sqlite3.Connection) -> PublishResult:
            found = self._organized(conn, activity_id, origin.user_id)
            if not isinstance(found, Activity):
                return found
            refused = publish_refusal(found, now)
            if refused is not None:
                return refused
            chats = tuple(self.targets(found))
            store.mark_published(conn, activity_id, chats, now)
            activity = replace(found, state="published")
            change = ActivityChange(activity, "published", card_chats=chats)
            enqueue(conn, self._notify.compose(change), now)
            return ActivityPublished(activity, len(chats))

        return await self._write(body, origin)

    # -- sign-ups --------------------------------------------------------------------------------

    async def sign_up(self, origin: Origin, activity_id: int, party: int) -> SignupResult:
        """Join, or change the party of one's sign-up; parties are never split or oversold."""
        now, user_id = self._clock(), origin.user_id

        def body(conn: sqlite3.Connection) -> SignupResult:
            activity = store.load_activity(conn, activity_id)
            if activity is None:
                return ActivityMissing(activity_id)
            refused = signup_refusal(activity, party, now)
            if refused is not None:
                return refused
            mine = store.active_signup(conn, activity_id, user_id)
            promoted: tuple[Signup, ...] = ()
            if mine is None:
                free = max(activity.capacity - activity.confirmed, 0)
                status = seat_rules.status_for(free, party)
                sid = store.insert_signup(conn, activity_id, user_id, party, status, now)
                event = "joined"
            elif mine.party == party:
                sid, event = mine.id, "unchanged"
            else:
                seats = store.seats(conn, activity_id)
                if not seat_rules.can_resize(activity.capacity, seats, mine.id, party):
                    return NoRoom(seat_rules.free_seats(activity.capacity, seats))
                store.set_party(conn, mine.id, party, now)
                sid, event = mine.id, "resized"
                promoted = self._promote(conn, activity, now)
            signup = store.signup(conn, sid)
            after = self._tell(conn, activity_id, event, now, signup, promoted)
            return SignedUp(after, signup, event)

        return await self._write(body, origin)

    def _tell(
        self,
        conn: sqlite3.Connection,
        activity_id: int,
        event: str,
        now: datetime,
        signup: Signup,
        promoted: tuple[Signup, ...],
    ) -> Activity:
        """A sign-up changed: the activity as it is now; its cards and the people concerned
        told (queued in the transaction)."""
        after = store.load_activity(conn, activity_id)
        assert after is not None
        chats = store.card_chats(conn, activity_id)
        change = ActivityChange(after, event, signup.user_id, signup, promoted, chats)
        enqueue(conn, self._notify.compose(change), now)
        return after

    def _promote(
        self, conn: sqlite3.Connection, activity: Activity, now: datetime
    ) -> tuple[Signup, ...]:
        """Confirm the waitlisted parties that fit now, in order (the seat rule decides)."""
        ids = seat_rules.promote(activity.capacity, store.seats(conn, activity.id))
        if not ids:
            return ()
        store.confirm(conn, ids, now)
        wanted = set(ids)
        return tuple(s for s in store.signups(conn, activity.id) if s.id in wanted)

    async def cancel_signup(self, origin: Origin, activity_id: int) -> WithdrawResult:
        """Withdraw one's sign-up; the waitlisted parties that now fit are confirmed and told."""
        now, user_id = self._clock(), origin.user_id

        def body(conn: sqlite3.Connection) -> WithdrawResult:
            activity = store.load_activity(conn, activity_id)
            if activity is None:
                return ActivityMissing(activity_id)
            mine = store.active_signup(conn, activity_id, user_id)
            if mine is None:
                return NotSignedUp()
            refused = withdraw_refusal(activity, now)
            if refused is not None:
                return refused
            before = store.signup(conn, mine.id)
            store.withdraw(conn, mine.id, now)
            published = activity.state == "published"
            promoted = self._promote(conn, activity, now) if published else ()
            after = self._tell(conn, activity_id, "cancelled_signup", now, before, promoted)
            return SignupCancelled(after, before, promoted)

        return await self._write(body, origin)

    # -- organizers ------------------------------------------------------------------------------

    async def cancel(self, origin: Origin, activity_id: int, reason: str | None) -> CancelResult:
        """Cancel a draft or a published activity: its cards say so, everyone signed up is told."""
        now = self._clock()

        def body(conn: sqlite3.Connection) -> CancelResult:
            found = self._organized(conn, activity_id, origin.user_id)
            if not isinstance(found, Activity):
                return found
            refused = cancel_refusal(found)
            if refused is not None:
                return refused
            audience = tuple(store.signups(conn, activity_id))
            store.mark_cancelled(conn, activity_id, reason)
            after = store.load_activity(conn, activity_id)
            assert after is not None
            chats = store.card_chats(conn, activity_id)
            change = ActivityChange(after, "cancelled", card_chats=chats, audience=audience)
            enqueue(conn, self._notify.compose(change), now)
            return ActivityCancelled(after, len(audience))

        return await self._write(body, origin)

    async def roster(self, origin: Origin, activity_id: int) -> RosterResult:
        def read(conn: sqlite3.Connection) -> RosterResult:
            found = self._organized(conn, activity_id, origin.user_id)
            if not isinstance(found, Activity):
                return found
            return ActivityRoster(found, store.signups(conn, activity_id))

        return await self._db.run(read)

    async def announce(self, origin: Origin, community: Community, text: str) -> AnnounceResult:
        """A notice to every group of the community, each in its group's language."""
        if not self._may_organize(origin.user_id, community.id):
            return NotOrganizer()
        chats = [c.id for c in self._registry.group_chats(community.id)]
        items = self._notify.announcement(community.name, chats, text)
        now = self._clock()
        await self._write(lambda conn: enqueue(conn, items, now), origin)
        return Announced(community, len(items))

    # -- reading ---------------------------------------------------------------------------------

    async def get(self, activity_id: int) -> Activity | None:
        return await self._db.run(lambda conn: store.load_activity(conn, activity_id))

    async def upcoming(self, origin: Origin, limit: int = 10) -> list[Activity]:
        """What is coming up: in a registered group, its community's for its grid; else all."""
        grid = None if origin.private else self._registry.chat_grid(origin.chat_id)
        communities = [grid.community_id] if grid else None
        now = self._clock()
        found = await self._db.run(lambda conn: store.upcoming(conn, now, communities, limit))
        if grid is not None:
            found = [a for a in found if not a.grid_ids or grid.id in a.grid_ids]
        return found

    async def of_user(
        self, user_id: int, now: datetime | None = None
    ) -> list[tuple[Activity, Signup]]:
        """The user's sign-ups for activities still to come (for /my)."""
        moment = now or self._clock()
        return await self._db.run(lambda conn: store.of_user(conn, user_id, moment))

    # -- the job ---------------------------------------------------------------------------------

    async def remind_and_finish(self, now: datetime | None = None) -> Reminders:
        """Queue the 24-hour reminder of each activity once; close those that are over."""
        moment = now or self._clock()

        def body(conn: sqlite3.Connection) -> Reminders:
            done = Reminders()
            for aid in store.due_reminders(conn, moment, REMIND_BEFORE):
                activity = store.load_activity(conn, aid)
                assert activity is not None
                store.mark_reminded(conn, aid)
                audience = tuple(s for s in store.signups(conn, aid) if s.status == "confirmed")
                change = ActivityChange(activity, "reminder", audience=audience)
                enqueue(conn, self._notify.compose(change), moment)
                done.sent.append(aid)
            for aid in store.over(conn, moment):
                store.mark_finished(conn, aid)
                activity = store.load_activity(conn, aid)
                assert activity is not None
                change = ActivityChange(
                    activity, "finished", card_chats=store.card_chats(conn, aid)
                )
                enqueue(conn, self._notify.compose(change), moment)
                done.finished.append(aid)
            return done

        return await self._write(body, Origin.job())
