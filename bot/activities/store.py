"""Activities and sign-ups: each use case one transaction (BEGIN IMMEDIATE, so the seat check
and the write are atomic and seats are never oversold), the messages it causes queued in the
outbox in that same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.activities.rules import seats as seat_rules
from bot.activities.rules.seats import Seat, Status
from bot.core.db import Database, from_ts, ts
from bot.delivery.outbox_store import OutboxItem, enqueue

REMIND_BEFORE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    community_id: int
    title: str
    description: str | None
    starts_at: datetime
    ends_at: datetime | None
    place: str
    capacity: int
    max_party: int
    deadline: datetime
    state: str
    created_by: int
    grid_ids: tuple[int, ...] = ()  # empty: all of the community's grids
    confirmed: int = 0  # people
    waitlisted: int = 0  # people
    cancel_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Signup:
    id: int
    activity_id: int
    user_id: int
    party: int
    status: str
    created_at: datetime
    position: int | None = None  # on the waitlist, 1-based


@dataclass(frozen=True)
class NewActivity:
    community_id: int
    title: str
    starts_at: datetime
    place: str
    capacity: int
    created_by: int
    max_party: int = 1
    description: str | None = None
    ends_at: datetime | None = None
    deadline: datetime | None = None  # None: the start
    grid_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ActivityChange:
    """What a use case changed, for composing messages."""

    activity: Activity
    event: str  # published | joined | resized | cancelled_signup | cancelled | reminder | finished
    user_id: int | None = None
    signup: Signup | None = None
    promoted: tuple[Signup, ...] = ()
    card_chats: tuple[int, ...] = ()  # groups showing (or about to show) its card
    audience: tuple[Signup, ...] = ()  # everyone signed up (cancellation, reminder)


Compose = Callable[[ActivityChange], list[OutboxItem]]


@dataclass(frozen=True)
class Missing:
    activity_id: int


@dataclass(frozen=True)
class Refused:
    """Why not: not_draft | closed | deadline | started | party | no_room | not_signed_up | denied."""

    why: str
    activity: Activity | None = None
    free: int = 0


@dataclass(frozen=True)
class Done:
    change: ActivityChange


@dataclass
class Reminders:
    sent: list[int] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)


_COLUMNS = (
    "id, community_id, title, description, starts_at, ends_at, place, capacity, max_party,"
    " deadline, state, created_by, cancel_reason"
)


def load_activity(conn: sqlite3.Connection, activity_id: int) -> Activity | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM activities WHERE id = ?", (activity_id,)).fetchone()
    if row is None:
        return None
    return _activity(conn, row)


def _activity(conn: sqlite3.Connection, row: tuple[Any, ...]) -> Activity:
    (
        aid,
        community_id,
        title,
        description,
        starts,
        ends,
        place,
        capacity,
        max_party,
        deadline,
        state,
        created_by,
        cancel_reason,
    ) = row
    grids = tuple(
        r[0]
        for r in conn.execute(
            "SELECT grid_id FROM activity_grids WHERE activity_id = ? ORDER BY grid_id", (aid,)
        )
    )
    counts = dict(
        conn.execute(
            "SELECT status, coalesce(sum(party), 0) FROM signups WHERE activity_id = ?"
            " AND status != 'cancelled' GROUP BY status",
            (aid,),
        ).fetchall()
    )
    start = datetime.fromisoformat(starts)
    return Activity(
        aid,
        community_id,
        title,
        description,
        start,
        from_ts(ends),
        place,
        capacity,
        max_party,
        datetime.fromisoformat(deadline),
        state,
        created_by,
        grids,
        int(counts.get("confirmed", 0)),
        int(counts.get("waitlisted", 0)),
        cancel_reason,
    )


def _seats(conn: sqlite3.Connection, activity_id: int) -> list[Seat]:
    return [
        Seat(sid, party, Status(status))
        for sid, party, status in conn.execute(
            "SELECT id, party, status FROM signups WHERE activity_id = ? AND status != 'cancelled'"
            " ORDER BY id",
            (activity_id,),
        )
    ]


def _signups(conn: sqlite3.Connection, activity_id: int) -> list[Signup]:
    rows = conn.execute(
        "SELECT id, activity_id, user_id, party, status, created_at FROM signups"
        " WHERE activity_id = ? AND status != 'cancelled' ORDER BY id",
        (activity_id,),
    ).fetchall()
    position = 0
    found = []
    for sid, aid, uid, party, status, created in rows:
        if status == "waitlisted":
            position += 1
        found.append(
            Signup(
                sid,
                aid,
                uid,
                party,
                status,
                datetime.fromisoformat(created),
                position if status == "waitlisted" else None,
            )
        )
    return found


def _signup(conn: sqlite3.Connection, signup_id: int) -> Signup:
    """One sign-up with its waitlist position, without reading the others."""
    sid, aid, uid, party, status, created = conn.execute(
        "SELECT id, activity_id, user_id, party, status, created_at FROM signups WHERE id = ?",
        (signup_id,),
    ).fetchone()
    position = None
    if status == "waitlisted":
        (position,) = conn.execute(
            "SELECT count(*) FROM signups WHERE activity_id = ? AND status = 'waitlisted'"
            " AND id <= ?",
            (aid, sid),
        ).fetchone()
    return Signup(sid, aid, uid, party, status, datetime.fromisoformat(created), position)


def _card_chats(conn: sqlite3.Connection, activity_id: int) -> tuple[int, ...]:
    return tuple(
        r[0]
        for r in conn.execute(
            "SELECT chat_id FROM activity_cards WHERE activity_id = ? ORDER BY chat_id",
            (activity_id,),
        )
    )


def _promote(conn: sqlite3.Connection, activity: Activity, now: datetime) -> tuple[Signup, ...]:
    """Confirm the waitlisted parties that fit now, in order (the seat rule decides)."""
    ids = seat_rules.promote(activity.capacity, _seats(conn, activity.id))
    if not ids:
        return ()
    conn.executemany(
        "UPDATE signups SET status = 'confirmed', updated_at = ? WHERE id = ?",
        [(ts(now), i) for i in ids],
    )
    wanted = set(ids)
    return tuple(s for s in _signups(conn, activity.id) if s.id in wanted)


class ActivityStore:
    def __init__(self, storage: Database) -> None:
        self._s = storage

    async def _write(self, fn: Callable[[sqlite3.Connection], Any], update_id: int | None) -> Any:
        result = await self._s.transaction(fn, update_id=update_id)
        self._s.outbox_signal.set()
        return result

    async def create_draft(
        self, new: NewActivity, *, now: datetime, update_id: int | None = None
    ) -> Activity:
        def body(conn: sqlite3.Connection) -> Activity:
            (aid,) = conn.execute(
                "INSERT INTO activities (community_id, title, description, starts_at, ends_at,"
                " place, capacity, max_party, deadline, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    new.community_id,
                    new.title,
                    new.description,
                    ts(new.starts_at),
                    ts(new.ends_at) if new.ends_at else None,
                    new.place,
                    new.capacity,
                    new.max_party,
                    ts(new.deadline or new.starts_at),
                    new.created_by,
                    ts(now),
                ),
            ).fetchone()
            conn.executemany(
                "INSERT INTO activity_grids (activity_id, grid_id) VALUES (?, ?)",
                [(aid, g) for g in new.grid_ids],
            )
            activity = load_activity(conn, aid)
            assert activity is not None
            return activity

        result: Activity = await self._s.transaction(body, update_id=update_id)
        return result

    async def get(self, activity_id: int) -> Activity | None:
        return await self._s.run(lambda conn: load_activity(conn, activity_id))

    async def set_grids(self, activity_id: int, grid_ids: tuple[int, ...]) -> Activity | None:
        def body(conn: sqlite3.Connection) -> Activity | None:
            conn.execute("DELETE FROM activity_grids WHERE activity_id = ?", (activity_id,))
            conn.executemany(
                "INSERT INTO activity_grids (activity_id, grid_id) VALUES (?, ?)",
                [(activity_id, g) for g in grid_ids],
            )
            return load_activity(conn, activity_id)

        result: Activity | None = await self._s.transaction(body)
        return result

    async def publish(
        self,
        activity_id: int,
        chats: Callable[[Activity], list[int]],
        *,
        now: datetime,
        compose: Compose,
        may: Callable[[Activity], bool],
        update_id: int | None = None,
    ) -> Done | Missing | Refused:
        """Draft → published; its card queued for every target group, each exactly once."""

        def body(conn: sqlite3.Connection) -> Done | Missing | Refused:
            activity = load_activity(conn, activity_id)
            if activity is None:
                return Missing(activity_id)
            if not may(activity):
                return Refused("denied", activity)
            if activity.state != "draft":
                return Refused("not_draft", activity)
            if activity.starts_at <= now:
                return Refused("started", activity)
            conn.execute(
                "UPDATE activities SET state = 'published', published_at = ? WHERE id = ?",
                (ts(now), activity_id),
            )
            targets = chats(activity)
            conn.executemany(
                "INSERT OR IGNORE INTO activity_cards (activity_id, chat_id) VALUES (?, ?)",
                [(activity_id, c) for c in targets],
            )
            activity = replace(activity, state="published")
            change = ActivityChange(activity, "published", card_chats=tuple(targets))
            enqueue(conn, compose(change), now)
            return Done(change)

        result: Done | Missing | Refused = await self._write(body, update_id)
        return result

    async def sign_up(
        self,
        activity_id: int,
        user_id: int,
        party: int,
        *,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
    ) -> Done | Missing | Refused:
        """Join, or change the party of one's sign-up; parties are never split or oversold."""

        def body(conn: sqlite3.Connection) -> Done | Missing | Refused:
            activity = load_activity(conn, activity_id)
            if activity is None:
                return Missing(activity_id)
            if activity.state != "published":
                return Refused("closed", activity)
            if now >= activity.deadline:
                return Refused("deadline", activity)
            if not 1 <= party <= activity.max_party:
                return Refused("party", activity)
            mine = conn.execute(
                "SELECT id, party, status FROM signups WHERE activity_id = ? AND user_id = ?"
                " AND status != 'cancelled'",
                (activity_id, user_id),
            ).fetchone()
            moment = ts(now)
            promoted: tuple[Signup, ...] = ()
            if mine is None:
                free = max(activity.capacity - activity.confirmed, 0)
                status = seat_rules.status_for(free, party)
                (sid,) = conn.execute(
                    "INSERT INTO signups (activity_id, user_id, party, status, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    (activity_id, user_id, party, status.value, moment, moment),
                ).fetchone()
                event = "joined"
            else:
                sid, old_party, _ = mine
                if old_party == party:
                    event = "unchanged"
                else:
                    seats = _seats(conn, activity_id)
                    if not seat_rules.can_resize(activity.capacity, seats, sid, party):
                        free = seat_rules.free_seats(activity.capacity, seats)
                        return Refused("no_room", activity, free)
                    conn.execute(
                        "UPDATE signups SET party = ?, updated_at = ? WHERE id = ?",
                        (party, moment, sid),
                    )
                    event = "resized"
                    promoted = _promote(conn, activity, now)
            after = load_activity(conn, activity_id)
            assert after is not None
            signup = _signup(conn, sid)
            change = ActivityChange(
                after, event, user_id, signup, promoted, _card_chats(conn, activity_id)
            )
            enqueue(conn, compose(change), now)
            return Done(change)

        result: Done | Missing | Refused = await self._write(body, update_id)
        return result

    async def cancel_signup(
        self,
        activity_id: int,
        user_id: int,
        *,
        now: datetime,
        compose: Compose,
        update_id: int | None = None,
    ) -> Done | Missing | Refused:
        def body(conn: sqlite3.Connection) -> Done | Missing | Refused:
            activity = load_activity(conn, activity_id)
            if activity is None:
                return Missing(activity_id)
            row = conn.execute(
                "SELECT id FROM signups WHERE activity_id = ? AND user_id = ?"
                " AND status != 'cancelled'",
                (activity_id, user_id),
            ).fetchone()
            if row is None:
                return Refused("not_signed_up", activity)
            if activity.state == "published" and now >= activity.starts_at:
                return Refused("started", activity)
            before = next(s for s in _signups(conn, activity_id) if s.id == row[0])
            conn.execute(
                "UPDATE signups SET status = 'cancelled', updated_at = ? WHERE id = ?",
                (ts(now), row[0]),
            )
            promoted = _promote(conn, activity, now) if activity.state == "published" else ()
            after = load_activity(conn, activity_id)
            assert after is not None
            change = ActivityChange(
                after,
                "cancelled_signup",
                user_id,
                before,
                promoted,
                _card_chats(conn, activity_id),
            )
            enqueue(conn, compose(change), now)
            return Done(change)

        result: Done | Missing | Refused = await self._write(body, update_id)
        return result

    async def cancel_activity(
        self,
        activity_id: int,
        reason: str | None,
        *,
        now: datetime,
        compose: Compose,
        may: Callable[[Activity], bool],
        update_id: int | None = None,
    ) -> Done | Missing | Refused:
        def body(conn: sqlite3.Connection) -> Done | Missing | Refused:
            activity = load_activity(conn, activity_id)
            if activity is None:
                return Missing(activity_id)
            if not may(activity):
                return Refused("denied", activity)
            if activity.state not in ("draft", "published"):
                return Refused("closed", activity)
            audience = tuple(_signups(conn, activity_id))
            conn.execute(
                "UPDATE activities SET state = 'cancelled', cancel_reason = ? WHERE id = ?",
                (reason, activity_id),
            )
            after = load_activity(conn, activity_id)
            assert after is not None
            change = ActivityChange(
                after, "cancelled", card_chats=_card_chats(conn, activity_id), audience=audience
            )
            enqueue(conn, compose(change), now)
            return Done(change)

        result: Done | Missing | Refused = await self._write(body, update_id)
        return result

    async def roster(self, activity_id: int) -> list[Signup]:
        return await self._s.run(lambda conn: _signups(conn, activity_id))

    async def upcoming(
        self, now: datetime, community_ids: list[int] | None = None, limit: int = 10
    ) -> list[Activity]:
        """Published activities not yet started, soonest first."""

        def read(conn: sqlite3.Connection) -> list[Activity]:
            sql = f"SELECT {_COLUMNS} FROM activities WHERE state = 'published' AND starts_at > ?"
            params: list[Any] = [ts(now)]
            if community_ids is not None:
                sql += f" AND community_id IN ({','.join('?' * len(community_ids))})"
                params += community_ids
            sql += " ORDER BY starts_at LIMIT ?"
            params.append(limit)
            return [_activity(conn, row) for row in conn.execute(sql, params).fetchall()]

        return await self._s.run(read)

    async def of_user(self, user_id: int, now: datetime) -> list[tuple[Activity, Signup]]:
        """The user's sign-ups for activities still to come."""

        def read(conn: sqlite3.Connection) -> list[tuple[Activity, Signup]]:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT s.activity_id FROM signups s JOIN activities a"
                    " ON a.id = s.activity_id WHERE s.user_id = ? AND s.status != 'cancelled'"
                    " AND a.state = 'published' AND a.starts_at > ? ORDER BY a.starts_at",
                    (user_id, ts(now)),
                )
            ]
            found = []
            for aid in ids:
                activity = load_activity(conn, aid)
                mine = next(s for s in _signups(conn, aid) if s.user_id == user_id)
                if activity is not None:
                    found.append((activity, mine))
            return found

        return await self._s.run(read)

    async def announce(
        self, items: list[OutboxItem], *, now: datetime, update_id: int | None
    ) -> int:
        count: int = await self._write(lambda conn: enqueue(conn, items, now), update_id)
        return count

    async def remind_and_finish(self, now: datetime, compose: Compose) -> Reminders:
        """Queue the 24-hour reminder of each activity once; close those that are over."""

        def body(conn: sqlite3.Connection) -> Reminders:
            done = Reminders()
            due = conn.execute(
                "SELECT id FROM activities WHERE state = 'published' AND reminded = 0"
                " AND starts_at > ? AND starts_at <= ?",
                (ts(now), ts(now + REMIND_BEFORE)),
            ).fetchall()
            for (aid,) in due:
                activity = load_activity(conn, aid)
                assert activity is not None
                conn.execute("UPDATE activities SET reminded = 1 WHERE id = ?", (aid,))
                audience = tuple(s for s in _signups(conn, aid) if s.status == "confirmed")
                enqueue(conn, compose(ActivityChange(activity, "reminder", audience=audience)), now)
                done.sent.append(aid)
            over = conn.execute(
                "SELECT id FROM activities WHERE state = 'published'"
                " AND coalesce(ends_at, starts_at) <= ?",
                (ts(now - timedelta(hours=0)),),
            ).fetchall()
            for (aid,) in over:
                conn.execute("UPDATE activities SET state = 'finished' WHERE id = ?", (aid,))
                activity = load_activity(conn, aid)
                assert activity is not None
                change = ActivityChange(activity, "finished", card_chats=_card_chats(conn, aid))
                enqueue(conn, compose(change), now)
                done.finished.append(aid)
            return done

        result: Reminders = await self._write(body, None)
        return result

    async def next_reminder(self, now: datetime) -> datetime | None:
        """When the next reminder or end falls due, for the job queue."""
        row = await self._s.run(
            lambda conn: conn.execute(
                "SELECT min(CASE WHEN reminded = 0 THEN starts_at END),"
                " min(coalesce(ends_at, starts_at)) FROM activities WHERE state = 'published'"
            ).fetchone()
        )
        times = []
        if row and row[0]:
            times.append(datetime.fromisoformat(row[0]) - REMIND_BEFORE)
        if row and row[1]:
            times.append(datetime.fromisoformat(row[1]))
        return max(min(times), now) if times else None
