"""Seat allocation: never oversold, parties whole, the waitlist served in order."""

from hypothesis import given
from hypothesis import strategies as st

from bot.activities.rules.seats import (
    Seat,
    Status,
    can_resize,
    confirmed_people,
    join,
    position,
    promote,
    waitlisted_people,
)

C, W = Status.CONFIRMED, Status.WAITLISTED


def test_confirmed_while_seats_remain_then_waitlisted() -> None:
    seats = [Seat(1, 3, C), Seat(2, 3, C)]
    assert join(8, seats, 2) is C
    assert join(8, seats, 3) is W
    assert join(6, [], 7) is W


def test_a_party_that_does_not_fit_keeps_its_place_while_smaller_ones_behind_are_confirmed() -> (
    None
):
    seats = [Seat(1, 2, C), Seat(2, 3, W), Seat(3, 1, W), Seat(4, 2, W)]
    # capacity 4, 2 taken: the 3 cannot fit, the 1 behind it can, then the 2 cannot
    assert promote(4, seats) == [3]
    assert position(seats, 2) == 1 and position(seats, 4) == 3 and position(seats, 1) is None


def test_cancellation_serves_the_waitlist_in_order() -> None:
    seats = [Seat(2, 3, W), Seat(3, 1, W), Seat(4, 2, W)]  # the confirmed party of 3 left
    assert promote(4, seats) == [2, 3]


def test_resizing() -> None:
    seats = [Seat(1, 2, C), Seat(2, 1, C), Seat(3, 3, W)]
    assert can_resize(4, seats, 1, 3)  # one free seat
    assert not can_resize(4, seats, 1, 4)
    assert can_resize(4, seats, 3, 10)  # waitlisted: any size, it waits
    assert can_resize(3, seats, 2, 1)


@given(
    st.integers(min_value=1, max_value=40),
    st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=5)), max_size=60),
)
def test_random_joins_and_cancellations_never_oversell(
    capacity: int, actions: list[tuple[bool, int]]
) -> None:
    seats: list[Seat] = []
    next_id = 1
    for cancel, party in actions:
        if cancel and seats:
            seats.pop(party % len(seats))
            promoted = set(promote(capacity, seats))
            seats = [Seat(s.id, s.party, C) if s.id in promoted else s for s in seats]
        else:
            seats.append(Seat(next_id, party, join(capacity, seats, party)))
            next_id += 1
        assert confirmed_people(seats) <= capacity
        assert promote(capacity, seats) == []  # nothing waitlisted that fits
        assert confirmed_people(seats) + waitlisted_people(seats) == sum(s.party for s in seats)
