"""What the registry knows of people, chats, grids and communities: plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    locale: str | None
    started: bool
    blocked: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True, slots=True)
class SeenUser:
    """What an update tells about its sender."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Grid:
    id: int
    community_id: int
    name: str


@dataclass(frozen=True, slots=True)
class ChatRecord:
    id: int
    type: str
    title: str | None
    grid_id: int | None
    locale: str | None
    active: bool

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass(frozen=True, slots=True)
class Registration:
    """The outcome of /setup, so the handler can say exactly what happened."""

    community: Community
    grid: Grid
    new_community: bool
    new_grid: bool
    previous_grid: Grid | None
