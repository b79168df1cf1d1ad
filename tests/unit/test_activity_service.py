"""ActivityService without Telegram: its typed results, seats never oversold and the waitlist
served in order, one transaction per use case (a redelivered press has no second effect), the
clock it is given, and the reminder job."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.service import (
    ActivityCancelled,
    ActivityDetails,
    ActivityMissing,
    ActivityOver,
    ActivityPublished,
    ActivityRoster,
    ActivityService,
    AlreadyPublished,
    AlreadyStarted,
    DeadlinePassed,
    DraftMade,
    NoRoom,
    NotOrganizer,
    NotSignedUp,
    PartyOutOfRange,
    SignedUp,
    SignupCancelled,
    SignupClosed,
)
from bot.core.audience import Audience
from bot.core.db import AlreadyProcessed
from bot.core.i18n import Catalogs
from bot.core.origin import Origin
from bot.core.records import SeenUser
from bot.core.registry import Registry

GROUP = -100700
ORGANIZER, A, B, C, D = 10, 1, 2, 3, 4
START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@dataclass
class Town:
    registry: Registry
    service: ActivityService
    clock: list[datetime]
    community_id: int

    async def outbox(self) -> list[tuple[int, str]]:
        rows = await self.registry.db.query("SELECT chat_id, method FROM outbox ORDER BY id")
        return [(int(chat), str(method)) for chat, method in rows]


def by(user_id: int, update_id: int | None = None) -> Origin:
    return Origin(user_id, user_id, update_id, True)


@pytest.fixture
async def town(tmp_path: Path) -> AsyncIterator[Town]:
    registry = await Registry.open(tmp_path / "activities.sqlite3")
    for user_id in (ORGANIZER, A, B, C, D):
        seen = SeenUser(user_id, f"居民{user_id}", None, None, "zh")
        await registry.see(seen, user_id, "private", None, private_message=True)
    reg = await registry.register_chat(GROUP, "西安村", "第8网格", by=ORGANIZER)
    await registry.set_role(ORGANIZER, reg.community.id, "organizer", granted=True, by=ORGANIZER)
    people = Audience(registry, Catalogs("zh_CN", ZoneInfo("Asia/Shanghai")), frozenset())
    clock = [START]
    service = ActivityService(registry.db, registry, people, frozenset(), clock=lambda: clock[0])
    try:
        yield Town(registry, service, clock, reg.community.id)
    finally:
        await registry.close()


async def published(town: Town, capacity: int = 5, party: int = 3) -> int:
    details = ActivityDetails("亲子定向赛", START + timedelta(days=3), "中心花园", capacity, party)
    made = await town.service.create_draft(by(ORGANIZER), town.community_id, details)
    assert isinstance(made, DraftMade) and made.groups == 1
    done = await town.service.publish(by(ORGANIZER), made.activity.id)
    assert isinstance(done, ActivityPublished) and done.groups == 1
    return made.activity.id


async def test_only_organizers_draft_and_publish_and_only_once(town: Town) -> None:
    details = ActivityDetails("读书会", START + timedelta(days=1), "图书角", 12)
    assert isinstance(
        await town.service.create_draft(by(A), town.community_id, details), NotOrganizer
    )
    made = await town.service.create_draft(by(ORGANIZER), town.community_id, details)
    assert isinstance(made, DraftMade)
    number = made.activity.id
    assert isinstance(await town.service.publish(by(A), number), NotOrganizer)
    assert isinstance(await town.service.publish(by(ORGANIZER), 99), ActivityMissing)
    assert isinstance(await town.service.publish(by(ORGANIZER), number), ActivityPublished)
    assert await town.outbox() == [(GROUP, "send")]  # the card, in the one group
    assert isinstance(await town.service.publish(by(ORGANIZER), number), AlreadyPublished)
    assert isinstance(await town.service.discard(by(ORGANIZER), number), AlreadyPublished)


async def test_parties_are_whole_and_the_waitlist_is_served_in_order(town: Town) -> None:
    number = await published(town, capacity=5, party=3)
    service = town.service
    joined = [await service.sign_up(by(who), number, n) for who, n in ((A, 3), (B, 3), (C, 1))]
    joined.append(await service.sign_up(by(D), number, 2))
    assert [(r.signup.status, r.signup.position) for r in joined if isinstance(r, SignedUp)] == [
        ("confirmed", None),
        ("waitlisted", 1),
        ("confirmed", None),
        ("waitlisted", 2),
    ]
    assert await service.sign_up(by(C), number, 3) == NoRoom(1)
    assert await service.sign_up(by(C), number, 4) == PartyOutOfRange(3)
    unchanged = await service.sign_up(by(C), number, 1)
    assert isinstance(unchanged, SignedUp) and unchanged.event == "unchanged"

    left = await service.cancel_signup(by(A), number)
    assert isinstance(left, SignupCancelled)
    assert [s.user_id for s in left.promoted] == [B]  # D (2) does not fit in the 1 seat left
    assert (left.activity.confirmed, left.activity.waitlisted) == (4, 2)
    assert isinstance(await service.cancel_signup(by(A), number), NotSignedUp)
    roster = await service.roster(by(ORGANIZER), number)
    assert isinstance(roster, ActivityRoster)
    assert [(s.user_id, s.status, s.position) for s in roster.signups] == [
        (B, "confirmed", None),
        (C, "confirmed", None),
        (D, "waitlisted", 1),
    ]
    assert isinstance(await service.roster(by(A), number), NotOrganizer)


async def test_a_redelivered_press_has_one_effect(town: Town) -> None:
    number = await published(town)
    first = await town.service.sign_up(by(A, update_id=77), number, 2)
    assert isinstance(first, SignedUp)
    with pytest.raises(AlreadyProcessed):
        await town.service.sign_up(by(A, update_id=77), number, 3)
    assert await town.registry.db.query("SELECT party FROM signups") == [(2,)]


async def test_deadline_start_and_cancelling(town: Town) -> None:
    number = await published(town)
    assert isinstance(await town.service.sign_up(by(A), number, 1), SignedUp)
    town.clock[0] = START + timedelta(days=3)  # the start (and the deadline)
    late = await town.service.sign_up(by(B), number, 1)
    assert isinstance(late, DeadlinePassed)
    assert isinstance(await town.service.cancel_signup(by(A), number), AlreadyStarted)
    assert isinstance(await town.service.cancel(by(A), number, None), NotOrganizer)
    cancelled = await town.service.cancel(by(ORGANIZER), number, "下雨")
    assert isinstance(cancelled, ActivityCancelled) and cancelled.told == 1
    assert cancelled.activity.cancel_reason == "下雨"
    assert isinstance(await town.service.cancel(by(ORGANIZER), number, None), ActivityOver)
    assert isinstance(await town.service.sign_up(by(B), number, 1), SignupClosed)


async def test_reminders_once_then_finished(town: Town) -> None:
    number = await published(town, capacity=1)
    await town.service.sign_up(by(A), number, 1)
    await town.service.sign_up(by(B), number, 1)  # waitlisted: not reminded
    starts = START + timedelta(days=3)
    assert (await town.service.remind_and_finish(starts - timedelta(hours=25))).sent == []
    due = await town.service.remind_and_finish(starts - timedelta(hours=23))
    assert due.sent == [number]
    reminders = [chat for chat, method in await town.outbox() if chat == A]
    assert len(reminders) == 2  # the sign-up's private answer, then the reminder
    assert (await town.service.remind_and_finish(starts - timedelta(hours=22))).sent == []
    town.clock[0] = starts + timedelta(hours=1)  # the job's default "now" is the clock's
    assert (await town.service.remind_and_finish()).finished == [number]
    assert [a.id for a in await town.service.upcoming(by(A))] == []
