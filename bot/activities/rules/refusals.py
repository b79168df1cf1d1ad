"""Why a use case on an activity may not go ahead: one type per reason, and the pure checks
that find it. The service runs a check inside the transaction that then writes (so nothing
changes between the check and the write); the views say each reason in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.activities.rules.model import Activity, Phase


@dataclass(frozen=True)
class ActivityMissing:
    activity_id: int


@dataclass(frozen=True)
class NotOrganizer:
    """Not an organizer or community official of the activity's community."""


@dataclass(frozen=True)
class AlreadyPublished:
    """Publishing, choosing grids and discarding are for drafts."""


@dataclass(frozen=True)
class AlreadyStarted:
    pass


@dataclass(frozen=True)
class SignupClosed:
    """Not published (a draft, cancelled or finished)."""


@dataclass(frozen=True)
class DeadlinePassed:
    deadline: datetime


@dataclass(frozen=True)
class PartyOutOfRange:
    """A sign-up is 1 to max_party people (0 or more: forged callback data)."""

    max_party: int


@dataclass(frozen=True)
class NoRoom:
    """A confirmed party may grow only into free seats."""

    free: int


@dataclass(frozen=True)
class NotSignedUp:
    pass


@dataclass(frozen=True)
class ActivityOver:
    """Cancelling what is already cancelled or finished."""

    activity_id: int


# What a press of a sign-up or cancel button may be refused with (views.refusal says each).
ActivityRefusal = (
    NotOrganizer
    | AlreadyPublished
    | AlreadyStarted
    | SignupClosed
    | DeadlinePassed
    | PartyOutOfRange
    | NoRoom
    | NotSignedUp
)


def signup_refusal(
    activity: Activity, party: int, now: datetime
) -> SignupClosed | DeadlinePassed | PartyOutOfRange | None:
    """Joining or changing one's party: open, before the deadline, a party of allowed size."""
    if activity.state != Phase.PUBLISHED:
        return SignupClosed()
    if now >= activity.deadline:
        return DeadlinePassed(activity.deadline)
    if not 1 <= party <= activity.max_party:
        return PartyOutOfRange(activity.max_party)
    return None


def withdraw_refusal(activity: Activity, now: datetime) -> AlreadyStarted | None:
    """Cancelling one's sign-up: any time before a published activity starts."""
    if activity.state == Phase.PUBLISHED and now >= activity.starts_at:
        return AlreadyStarted()
    return None


def draft_refusal(activity: Activity) -> AlreadyPublished | None:
    """Choosing grids, discarding: drafts only."""
    return AlreadyPublished() if activity.state != Phase.DRAFT else None


def publish_refusal(activity: Activity, now: datetime) -> AlreadyPublished | AlreadyStarted | None:
    return draft_refusal(activity) or (AlreadyStarted() if activity.starts_at <= now else None)


def cancel_refusal(activity: Activity) -> ActivityOver | None:
    """Cancelling an activity: a draft or a published one."""
    if activity.state in (Phase.DRAFT, Phase.PUBLISHED):
        return None
    return ActivityOver(activity.id)
