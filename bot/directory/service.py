"""The roster's use cases: read a community's contacts, add or update an entry, remove one.

Each change is one transaction that records the update's id, so a redelivered update changes
nothing twice. Who may change a roster is the handler's check (bot/core/scope.py); this module
trusts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.db import Database, ts, utcnow
from bot.core.origin import Clock, Origin
from bot.directory import store
from bot.directory.rules import (
    KINDS,
    NAME_LIMIT,
    BadContact,
    Contact,
    Flaw,
    parse_contact,
)

__all__ = [
    "KINDS",
    "NAME_LIMIT",
    "BadContact",
    "Contact",
    "ContactNotListed",
    "ContactRemoved",
    "ContactSaved",
    "DirectoryService",
    "Flaw",
    "parse_contact",
]


@dataclass(frozen=True)
class ContactSaved:
    contact: Contact
    new: bool  # False: the name was on the roster and its entry is updated


@dataclass(frozen=True)
class ContactRemoved:
    name: str


@dataclass(frozen=True)
class ContactNotListed:
    name: str


class DirectoryService:
    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self._db = db
        self._clock = clock

    async def roster(self, community_id: int) -> list[Contact]:
        return await self._db.run(lambda conn: store.roster(conn, community_id))

    async def rosters(self, community_ids: Sequence[int]) -> list[list[Contact]]:
        """Several communities' rosters in one read (a superadmin's /contacts in private)."""
        return await self._db.run(lambda conn: store.rosters(conn, community_ids))

    async def save(self, origin: Origin, community_id: int, contact: Contact) -> ContactSaved:
        at = ts(self._clock())
        new = await self._db.transaction(
            lambda conn: store.upsert(conn, community_id, contact, by=origin.user_id, at=at),
            update_id=origin.update_id,
        )
        return ContactSaved(contact, new)

    async def remove(
        self, origin: Origin, community_id: int, name: str
    ) -> ContactRemoved | ContactNotListed:
        removed = await self._db.transaction(
            lambda conn: store.delete(conn, community_id, name), update_id=origin.update_id
        )
        return ContactRemoved(name) if removed else ContactNotListed(name)
