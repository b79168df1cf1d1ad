"""Media as outbox rows: photos, a voice note, a place, sent by file id or coordinates.

A report's media follow its card through the outbox like any message, so that they are queued
in the report's transaction (nothing lost, nothing twice), sent in the chat's order after the
card and paced with the group's other messages. A row stores the request's own Telegram
parameters (`payload`) and its method's short name; delivery needs to know nothing else of
them, and no feature: the features build rows with these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The short names stored in outbox.method, and the Bot API method each one is sent with.
API_METHODS: dict[str, str] = {
    "photo": "sendPhoto",
    "album": "sendMediaGroup",
    "voice": "sendVoice",
    "location": "sendLocation",
    "venue": "sendVenue",
}
CAPTIONED = frozenset({"photo", "voice"})  # the ones whose row text is sent as their caption
ALBUM_MAX = 10  # Telegram's limit on a media group


@dataclass(frozen=True, slots=True)
class Media:
    """One media request: its short method name and its parameters (Telegram's JSON)."""

    method: str
    payload: dict[str, Any]


def photos(file_ids: tuple[str, ...]) -> list[Media]:
    """One photo alone (an album needs two), more as albums of up to ten."""
    chunks = [file_ids[i : i + ALBUM_MAX] for i in range(0, len(file_ids), ALBUM_MAX)]
    out = []
    for chunk in chunks:
        if len(chunk) == 1:
            out.append(Media("photo", {"photo": chunk[0]}))
        else:
            out.append(Media("album", {"media": [{"type": "photo", "media": f} for f in chunk]}))
    return out


def photo(file_id: str) -> Media:
    return Media("photo", {"photo": file_id})


def voice(file_id: str) -> Media:
    return Media("voice", {"voice": file_id})


def place(latitude: float, longitude: float, title: str | None, address: str) -> Media:
    """A map point; with a typed place, a venue that names it (its address: `address`)."""
    where = {"latitude": latitude, "longitude": longitude}
    if title:
        return Media("venue", {**where, "title": title, "address": address or title})
    return Media("location", where)
