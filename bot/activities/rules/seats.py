"""Seats of an activity, counted in people: parties are confirmed or waitlisted whole.

The invariant every operation keeps: confirmed parties never exceed the capacity, a confirmed
party is never demoted, and no waitlisted party that fits stays waitlisted — the waitlist is
served in order, and a party too big for the free seats keeps its place while smaller parties
behind it are confirmed (SPEC, Activities).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


@dataclass(frozen=True)
class Seat:
    """One active sign-up, in waitlist order (the order people signed up)."""

    id: int
    party: int
    status: Status


def confirmed_people(seats: Sequence[Seat]) -> int:
    return sum(s.party for s in seats if s.status is Status.CONFIRMED)


def waitlisted_people(seats: Sequence[Seat]) -> int:
    return sum(s.party for s in seats if s.status is Status.WAITLISTED)


def free_seats(capacity: int, seats: Sequence[Seat]) -> int:
    return max(capacity - confirmed_people(seats), 0)


def join(capacity: int, seats: Sequence[Seat], party: int) -> Status:
    """A new sign-up, behind everyone: confirmed if the whole party fits now."""
    return status_for(free_seats(capacity, seats), party)


def status_for(free: int, party: int) -> Status:
    """A joining party with `free` seats left. Joining never frees seats, so the waitlist
    cannot move: nobody else needs looking at (the hot path of a burst of presses)."""
    return Status.CONFIRMED if party <= free else Status.WAITLISTED


def promote(capacity: int, seats: Sequence[Seat]) -> list[int]:
    """The waitlisted sign-ups to confirm now, in order: each that fits in what is left."""
    free = free_seats(capacity, seats)
    promoted = []
    for seat in seats:
        if seat.status is Status.WAITLISTED and seat.party <= free:
            promoted.append(seat.id)
            free -= seat.party
    return promoted


def can_resize(capacity: int, seats: Sequence[Seat], seat_id: int, party: int) -> bool:
    """A confirmed party may grow only into free seats; shrinking or a waitlisted party: always."""
    seat = next(s for s in seats if s.id == seat_id)
    if seat.status is Status.WAITLISTED or party <= seat.party:
        return True
    return party - seat.party <= free_seats(capacity, seats)


def position(seats: Sequence[Seat], seat_id: int) -> int | None:
    """1-based place on the waitlist, or None when confirmed."""
    waiting = [s.id for s in seats if s.status is Status.WAITLISTED]
    return waiting.index(seat_id) + 1 if seat_id in waiting else None
