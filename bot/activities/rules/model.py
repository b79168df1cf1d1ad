"""An activity and its sign-ups as every room of the feature sees them: plain frozen data.

Here rather than in the store so that the pure rules (refusals.py), the views and the service
share one definition without the views or the rules depending on SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Phase(StrEnum):
    """An activity's state column."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    FINISHED = "finished"


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
class ActivityDetails:
    """What an organizer writes (the one-line form or the guided dialog), checked already."""

    title: str
    starts_at: datetime
    place: str
    capacity: int
    max_party: int = 1
    description: str | None = None
    ends_at: datetime | None = None
    deadline: datetime | None = None  # None: the start


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

    @classmethod
    def of(cls, community_id: int, created_by: int, details: ActivityDetails) -> NewActivity:
        return cls(
            community_id,
            details.title,
            details.starts_at,
            details.place,
            details.capacity,
            created_by,
            details.max_party,
            details.description,
            details.ends_at,
            details.deadline,
        )
