"""What the activity service's use cases return: the success of each, and the unions with the
reasons it may be refused (bot/activities/rules/refusals.py), which handlers `match` on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.activities.rules.model import Activity, Signup
from bot.activities.rules.refusals import (
    ActivityMissing,
    ActivityOver,
    AlreadyPublished,
    AlreadyStarted,
    DeadlinePassed,
    NoRoom,
    NotOrganizer,
    NotSignedUp,
    PartyOutOfRange,
    SignupClosed,
)
from bot.core.records import Community


@dataclass(frozen=True)
class DraftMade:
    activity: Activity
    groups: int  # how many groups "Publish" would send it to


@dataclass(frozen=True)
class ActivityPublished:
    activity: Activity
    groups: int


@dataclass(frozen=True)
class GridChoice:
    """A draft and its community's grids (id, name), to pick where it goes."""

    activity: Activity
    grids: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class DraftDiscarded:
    activity: Activity


@dataclass(frozen=True)
class SignedUp:
    activity: Activity
    signup: Signup
    event: str  # joined | resized | unchanged


@dataclass(frozen=True)
class SignupCancelled:
    activity: Activity
    signup: Signup  # as it was
    promoted: tuple[Signup, ...]


@dataclass(frozen=True)
class ActivityCancelled:
    activity: Activity
    told: int  # sign-ups told


@dataclass(frozen=True)
class ActivityRoster:
    activity: Activity
    signups: list[Signup]


@dataclass(frozen=True)
class Announced:
    community: Community
    groups: int


@dataclass
class Reminders:
    sent: list[int] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)


# An activity its caller may organize, or why not.
Organized = Activity | ActivityMissing | NotOrganizer
DraftResult = DraftMade | NotOrganizer
GridsResult = GridChoice | ActivityMissing | NotOrganizer | AlreadyPublished
DiscardResult = DraftDiscarded | ActivityMissing | NotOrganizer | AlreadyPublished
PublishResult = (
    ActivityPublished | ActivityMissing | NotOrganizer | AlreadyPublished | AlreadyStarted
)
SignupResult = SignedUp | ActivityMissing | SignupClosed | DeadlinePassed | PartyOutOfRange | NoRoom
WithdrawResult = SignupCancelled | ActivityMissing | NotSignedUp | AlreadyStarted
CancelResult = ActivityCancelled | ActivityMissing | NotOrganizer | ActivityOver
RosterResult = ActivityRoster | ActivityMissing | NotOrganizer
AnnounceResult = Announced | NotOrganizer
