"""The body of /add (SPEC "Evidence" → "Added later"), run inside one transaction: who may add
(the reporter, a follower, a moderator: the permission table's Action.ADD), the history line
carrying the text and media, and what it tells whom, queued in the same commit. Also the other
photos of an album whose captioned photo was a /report or an /add."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.core.roles import Action
from bot.delivery.outbox_store import enqueue
from bot.issues.notify import Notifier
from bot.issues.service.changing import tell
from bot.issues.service.results import (
    Added,
    Adding,
    AlbumFull,
    AlbumJoined,
    AlbumPhoto,
    IssueClosed,
    IssueMissing,
    NoAlbum,
    NotPermitted,
)
from bot.issues.store import evidence
from bot.issues.store.records import IssueEvent, load_issue


@dataclass(frozen=True)
class Addition:
    """What an /add carries; `album`: the media_group_id of the captioned photo, whose album's
    other photos are added after it."""

    text: str | None
    photo: str | None = None
    voice: str | None = None
    album: str | None = None


def add(
    conn: sqlite3.Connection,
    notifier: Notifier,
    issue_id: int,
    addition: Addition,
    where: tuple[int, int],
    now: datetime,
) -> Adding:
    """`where`: (chat, user) the /add came from."""
    chat_id, user_id = where
    issue = load_issue(conn, issue_id)
    if issue is None:
        return IssueMissing(issue_id)
    actor = notifier.actor(user_id, issue.community_id)
    own, follows = user_id == issue.reporter_id, user_id in issue.followers
    if not actor.may(Action.ADD, reporter=own, follower=follows):
        return NotPermitted(None, issue)
    if not issue.active:
        return IssueClosed(issue)
    entry = evidence.add_entry(
        conn, issue_id, user_id, now, addition.text, photo=addition.photo, voice=addition.voice
    )
    if addition.album is not None:
        album = evidence.Album(issue_id, "add")
        evidence.remember_album(conn, chat_id, addition.album, user_id, album, now)
    tell(conn, notifier, IssueEvent(issue, entry, issue.audience), now)
    return Added(issue, entry)


def album_photo(
    conn: sqlite3.Connection,
    notifier: Notifier,
    media_group_id: str,
    photo: str,
    where: tuple[int, int],
    now: datetime,
) -> AlbumPhoto:
    """A photo of an album without the caption: it joins the report (up to ten photos; the
    card's photo count is refreshed) or is added like the captioned one."""
    chat_id, user_id = where
    album = evidence.album_of(conn, chat_id, media_group_id, user_id)
    if album is None:
        return NoAlbum()
    if album.kind == "add":
        done = add(conn, notifier, album.issue_id, Addition(None, photo), where, now)
        if isinstance(done, IssueMissing):
            return NoAlbum()
        return AlbumJoined(album.issue_id) if isinstance(done, Added) else done
    if not evidence.append_photo(conn, album.issue_id, photo):
        return AlbumFull(album.issue_id)
    issue = load_issue(conn, album.issue_id)
    if issue is not None:
        enqueue(conn, notifier.card_edit(issue), now)
    return AlbumJoined(album.issue_id)
