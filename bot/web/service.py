"""The web's read model: the ONE place where the web reads issues, and so the one place that
applies SPEC's privacy rules for the public board and the Open311 API.

- people appear by first name only (never a last name, a username or a Telegram user id);
- an anonymous report's reporter never appears: its name is left out of the name table, so
  every view says "the reporter";
- no phone number (the directory is never read), no voice file, no photo file id: the issue
  handed on has the file ids replaced by placeholders (photos become /media/ ids), user ids by
  page-local numbers, and no chat or message id.

One exception, decided here and nowhere else: a viewer Telegram vouched for (the Mini App's
initData, checked by the server) who moderates the community — grid worker, property,
community official there, or a superadmin (MULIN_ADMINS) — sees reporters' full names on that
community's boards and issue pages, anonymous reporters' included, as the bot shows them to
moderators. The viewer's id is only compared, never shown.

The database is opened read-only (`file:…?mode=ro`), a connection per call, so the web may run
beside the bot (WAL: readers never block the writer).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core.roles import MODERATORS
from bot.issues.service import HistoryEntry, Issue, load_issue
from bot.web import store

BOARD_STATES = ("open", "escalated", "resolved")  # 居民说 · 物业说 · 社区说
VOICE = "voice"  # stands for a voice note's file id, which never leaves the read model


def read_only_uri(path: Path) -> str:
    """SQLite's read-only URI for a file: the path percent-encoded, since a `#`, `?` or `%` in
    it would otherwise end or change the URI (the bot opens the same path as a plain name)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


class Unavailable(Exception):
    """The database is missing or unreadable."""


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    name: str
    active: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class BoardLine:
    id: int
    state: str
    text: str
    grid: str
    category: str
    priority: str
    created_at: datetime
    updated_at: datetime
    body: str | None
    due_date: str | None
    past_due: bool
    followers: int
    has_voice: bool
    reporter: str | None = None  # the full name, for the community's moderators only


@dataclass(frozen=True, slots=True)
class BoardPage:
    state: str
    lines: list[BoardLine]
    total: int
    offset: int


@dataclass(frozen=True, slots=True)
class PublicIssue:
    """An issue as the public may see it: `issue` holds no real user or file id; `names` maps
    its page-local person numbers to first names (the anonymous reporter is missing)."""

    issue: Issue
    names: dict[int, str]
    community: Community
    grid: str
    media: tuple[str, ...]  # the report's photos' /media/ ids (the history's are on its lines)
    moderator: bool = False  # the viewer moderates the community: full names, no one hidden


@dataclass(frozen=True, slots=True)
class Request:
    """One Open311 request's data (no people at all)."""

    id: int
    state: str
    solution: str | None
    reason: str | None
    category: str
    text: str
    created_at: datetime
    updated_at: datetime
    place: str | None
    lat: float | None
    lon: float | None
    community: str
    grid: str
    body: str | None
    due_date: str | None
    media: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MapPoint:
    """An active issue on the community's map: what the board line shows, and where (no
    person at all)."""

    id: int
    state: str
    text: str
    category: str
    lat: float
    lon: float


HISTORY_MEDIA = "h"  # /media/<issue>-h<n>: the photo added with the n-th history line


def media_id(issue_id: int, position: int, *, history: bool = False) -> str:
    """A photo's id in /media/<id>: the issue number and the photo's place, from 1 — among the
    report's photos (`12-1`), or the history line it came with (`12-h5`: /add, /note, /close)."""
    return f"{issue_id}-{HISTORY_MEDIA if history else ''}{position + 1}"


def parse_media_id(value: str) -> tuple[int, bool, int] | None:
    """(issue, from the history?, position from 0) of a /media/ id, or None for anything
    `media_id` never makes."""
    issue, dash, number = value.partition("-")
    if not dash or not (issue.isascii() and issue.isdecimal() and len(issue) < 10):
        return None
    history = number.startswith(HISTORY_MEDIA)
    number = number.removeprefix(HISTORY_MEDIA)
    if not (number.isascii() and number.isdecimal() and len(number) < 6 and int(number) >= 1):
        return None
    if issue != str(int(issue)) or number != str(int(number)):
        return None  # one spelling per photo, so that each has one cache entry
    return int(issue), history, int(number) - 1


class ReadModel:
    def __init__(self, db_path: Path, admins: frozenset[int] = frozenset()) -> None:
        self.db_path = db_path
        self.admins = admins

    def _moderates(self, conn: sqlite3.Connection, viewer: int | None, community_id: int) -> bool:
        """Whether a (Telegram-vouched) viewer may see this community's reporters in full."""
        if viewer is None:
            return False
        if viewer in self.admins:
            return True
        return bool(store.roles(conn, viewer, community_id) & set(MODERATORS))

    def moderates(self, viewer: int | None, community_id: int) -> bool:
        with self._conn() as conn:
            return self._moderates(conn, viewer, community_id)

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(read_only_uri(self.db_path), uri=True)
        except sqlite3.Error as exc:
            raise Unavailable(str(exc)) from exc
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            raise Unavailable(str(exc)) from exc
        finally:
            conn.close()

    def communities(self) -> list[Community]:
        with self._conn() as conn:
            return [Community(*row) for row in store.communities(conn)]

    def community(self, key: str) -> tuple[Community, list[tuple[int, str]]] | None:
        """A community by name or number, with its grids (id, name)."""
        with self._conn() as conn:
            found = store.community(conn, key)
            if found is None:
                return None
            return Community(*found), store.grids(conn, found[0])

    def board(
        self,
        community_id: int,
        state: str,
        *,
        grid_id: int | None,
        category: str | None,
        offset: int,
        limit: int,
        viewer: int | None = None,
    ) -> BoardPage:
        """One board's page; with each line's reporter in full for the community's moderators."""
        with self._conn() as conn:
            rows, total = store.board(conn, community_id, state, grid_id, category, offset, limit)
            lines = [_line(r) for r in rows]
            if lines and self._moderates(conn, viewer, community_id):
                by = store.reporters(conn, [line.id for line in lines])
                names = store.full_names(conn, list(set(by.values())))
                lines = [replace(x, reporter=names.get(by.get(x.id, 0))) for x in lines]
        return BoardPage(state, lines, total, offset)

    def issue(self, issue_id: int, viewer: int | None = None) -> PublicIssue | None:
        """The issue as the public sees it, or, for its community's moderators, with full
        names and the anonymous reporter's."""
        with self._conn() as conn:
            issue = load_issue(conn, issue_id)
            where = store.place(conn, issue_id)
            if issue is None or where is None:
                return None
            people = _people(issue)
            moderator = self._moderates(conn, viewer, where[0])
            read = store.full_names if moderator else store.first_names
            names = read(conn, list(people))
        public = {people[uid]: name for uid, name in names.items()}
        if issue.anonymous and not moderator:
            public.pop(people[issue.reporter_id], None)
        media = tuple(media_id(issue.id, i) for i in range(len(issue.photos)))
        community = Community(where[0], where[1])
        scrubbed = _scrubbed(issue, people, media)
        return PublicIssue(scrubbed, public, community, where[2], media, moderator)

    def photo_file(self, media: str) -> str | None:
        """The Telegram file id behind a /media/ id; the only place a file id leaves the read
        model, and only to fetch the photo's bytes (never shown). Voice notes never."""
        where = parse_media_id(media)
        if where is None:
            return None
        issue, history, position = where
        with self._conn() as conn:
            if history:
                return store.history_photo_file(conn, issue, position)
            return store.photo_file(conn, issue, position)

    def located(self, community_id: int, limit: int = 500) -> list[MapPoint]:
        """The community's active issues with a map point (the map page)."""
        with self._conn() as conn:
            rows = store.located(conn, community_id, limit)
        return [
            MapPoint(int(i), str(s), str(t or ""), str(c), float(la), float(lo))
            for i, s, t, c, la, lo in rows
        ]

    def requests(
        self,
        *,
        ids: list[int] | None = None,
        codes: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        states: tuple[str, ...] | None = None,
        limit: int = 1000,
    ) -> list[Request]:
        with self._conn() as conn:
            rows = store.requests(conn, ids, codes, since, until, states, limit)
        return [_request(r) for r in rows]


def _line(row: tuple[Any, ...]) -> BoardLine:
    (iid, state, text, grid, category, priority, created, updated, body, due, past_due,
     followers, voice) = row  # fmt: skip
    return BoardLine(
        iid, state, text, grid, category, priority, datetime.fromisoformat(created),
        datetime.fromisoformat(updated), body, due, bool(past_due), followers, bool(voice),
    )  # fmt: skip


def _request(row: tuple[Any, ...]) -> Request:
    (iid, state, solution, reason, category, text, created, updated, place, lat, lon,
     community, grid, body, due, photos) = row  # fmt: skip
    return Request(
        iid, state, solution, reason, category, text, datetime.fromisoformat(created),
        datetime.fromisoformat(updated), place, lat, lon, community, grid, body, due,
        tuple(media_id(iid, i) for i in range(photos)),
    )  # fmt: skip


def _people(issue: Issue) -> dict[int, int]:
    """Every real user id the issue mentions → a page-local number (1, 2, …)."""
    ids = [issue.reporter_id, *issue.followers]
    if issue.assignee_id is not None:
        ids.append(issue.assignee_id)
    ids += [e.actor_id for e in issue.history if e.actor_id is not None]
    return {uid: n for n, uid in enumerate(dict.fromkeys(ids), start=1)}


def _entry(issue_id: int, n: int, entry: HistoryEntry, people: dict[int, int]) -> HistoryEntry:
    """The n-th history line (from 0) with a page-local actor and its photo as a /media/ id."""
    actor = people[entry.actor_id] if entry.actor_id is not None else None
    return replace(
        entry,
        actor_id=actor,
        photo=media_id(issue_id, n, history=True) if entry.photo else None,
        voice=VOICE if entry.voice else None,
    )


def _scrubbed(issue: Issue, people: dict[int, int], media: tuple[str, ...]) -> Issue:
    return replace(
        issue,
        chat_id=None,
        card_message_id=None,
        reporter_id=people[issue.reporter_id],
        assignee_id=people[issue.assignee_id] if issue.assignee_id is not None else None,
        voice_file_id=VOICE if issue.voice_file_id else None,
        photos=media,
        followers=tuple(people[f] for f in issue.followers),
        history=tuple(_entry(issue.id, n, e, people) for n, e in enumerate(issue.history)),
    )
