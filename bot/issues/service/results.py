"""What the issue use cases answer: one class per outcome, so that handlers `match` on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

from bot.issues.rules.states import Command
from bot.issues.store.reads import Sla
from bot.issues.store.records import HistoryEntry, Issue, IssueEvent, IssueSummary


@dataclass(frozen=True)
class IssueMissing:
    issue_id: int


# -- raising ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueReported:
    issue: Issue


@dataclass(frozen=True)
class ReportThrottled:
    """Five reports in the last hour: the next is possible at `until`."""

    until: datetime


@dataclass(frozen=True)
class NearDuplicate:
    """The report looks like `match`; it was kept as a draft for "report anyway"."""

    match: Issue
    draft_id: int


@dataclass(frozen=True)
class DraftGone:
    """ "Report anyway" on a draft that was reported, dropped, or is someone else's."""

    draft_id: int


Reporting: TypeAlias = IssueReported | ReportThrottled | NearDuplicate
ReportingAnyway: TypeAlias = IssueReported | ReportThrottled | DraftGone


# -- following ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NowFollowing:
    issue: Issue


@dataclass(frozen=True)
class AlreadyFollowing:
    issue: Issue


@dataclass(frozen=True)
class OwnIssue:
    """The reporter pressed "me too" on their own report: they hear of every step anyway."""

    issue: Issue


@dataclass(frozen=True)
class IssueClosed:
    """Resolved or rejected: nothing to follow, no category to correct."""

    issue: Issue


Following: TypeAlias = NowFollowing | AlreadyFollowing | OwnIssue | IssueClosed | IssueMissing


# -- changing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueChanged:
    issue: Issue
    entry: HistoryEntry
    other: Issue | None = None  # /dup: the original, which now has the followers

    @property
    def event(self) -> IssueEvent:
        return IssueEvent(self.issue, self.entry, (), self.other)


@dataclass(frozen=True)
class WrongState:
    """The command does not apply to the issue as it is ("#12 is already resolved")."""

    command: Command
    issue: Issue


@dataclass(frozen=True)
class NotPermitted:
    """The actor may not do this to this issue (the permission table's answer)."""

    command: Command | None  # None: correcting the category
    issue: Issue


@dataclass(frozen=True)
class BadOriginal:
    """/dup named an issue that cannot be the original."""

    why: str  # missing | self | closed | community
    target: int | None


@dataclass(frozen=True)
class Permitted:
    """The command may be applied to the issue as it is now (asked before asking for a text)."""

    issue: Issue


Change: TypeAlias = IssueChanged | IssueMissing | WrongState | NotPermitted | BadOriginal
Check: TypeAlias = Permitted | IssueMissing | WrongState | NotPermitted


@dataclass(frozen=True)
class Recategorized:
    issue: Issue


Recategorizing: TypeAlias = Recategorized | NotPermitted | IssueClosed | IssueMissing


@dataclass(frozen=True)
class FixRated:
    """An answer to "Fixed?" counted: `answer` fixed | partly | not_fixed (a follower's 👎, or
    the reporter's own before it reopened), and the one it replaced (None: the first)."""

    issue: Issue
    answer: str
    before: str | None


@dataclass(frozen=True)
class AlreadyAnswered:
    """The "Fixed?" question was answered before (or the issue changed since it was asked)."""

    issue_id: int


@dataclass(frozen=True)
class NotAsked:
    """ "Fixed?" answered by someone who neither reported nor follows the issue."""

    issue_id: int


FixedAnswer: TypeAlias = FixRated | IssueChanged | AlreadyAnswered | NotAsked


# -- settings and the daily job -----------------------------------------------------------------


@dataclass(frozen=True)
class SlaSet:
    community_id: int
    days: Sla


@dataclass(frozen=True)
class SlaInvalid:
    problem: str  # range: outside 1..90 | order: escalating no later than reminding


@dataclass
class FollowUp:
    """What the daily follow-up found and did."""

    reminders: dict[int, list[IssueSummary]] = field(default_factory=dict)  # community → overdue
    escalated: list[int] = field(default_factory=list)
    fixed_by_silence: list[int] = field(default_factory=list)
    past_due: list[int] = field(default_factory=list)  # promises found broken this morning
    promise_lists: int = 0  # morning lists of broken promises sent


# -- evidence added later --------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """/add: the issue and the history line that carries the text, photo or voice note."""

    issue: Issue
    entry: HistoryEntry


@dataclass(frozen=True)
class AlbumJoined:
    """Another photo of an album whose captioned photo was a /report or an /add."""

    issue_id: int


@dataclass(frozen=True)
class AlbumFull:
    """An album's photo beyond the report's ten: not kept."""

    issue_id: int


@dataclass(frozen=True)
class NoAlbum:
    """A photo of an album that went to no issue (or not from this sender)."""


Adding: TypeAlias = Added | IssueMissing | NotPermitted | IssueClosed
AlbumPhoto: TypeAlias = AlbumJoined | AlbumFull | NoAlbum | NotPermitted | IssueClosed


# -- owners and promises -----------------------------------------------------------------------


@dataclass(frozen=True)
class BodyList:
    """The bodies of a community: 物业 and 社区 first (keys), then its own, as added."""

    community_id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class BodyAdded:
    name: str


@dataclass(frozen=True)
class BodyRemoved:
    name: str


@dataclass(frozen=True)
class BodyRefused:
    """Why a body was not added or removed: a NameProblem's value, "exists", "too_many",
    "missing" or "in_use" (then `count` open issues answer to it)."""

    name: str
    why: str
    count: int = 0


@dataclass(frozen=True)
class UnknownBody:
    """/assign to a body the community does not have; `known`: the ones it has."""

    name: str
    known: tuple[str, ...]


@dataclass(frozen=True)
class BadDate:
    """A promised date that is malformed, past or too far off (a DateProblem's value)."""

    why: str


BodyChange: TypeAlias = BodyAdded | BodyRemoved | BodyRefused
Owning: TypeAlias = IssueChanged | IssueMissing | NotPermitted | IssueClosed | UnknownBody | BadDate
