"""A report's media in the outbox (bot/delivery/media.py): queued in the report's own
transaction, held until the card is out, then sent in order as replies to it, each with its
own Bot API method and the parameters stored with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot, InputMediaPhoto

from bot.core.db import AlreadyProcessed
from bot.core.i18n import Catalogs
from bot.core.origin import Origin
from bot.core.records import SeenUser
from bot.core.registry import Registry
from bot.delivery import media
from bot.delivery.outbox import OutboxWorker
from bot.delivery.outbox_store import OutboxStore
from bot.issues.notify import Notifier
from bot.issues.service import IssueReported, IssueService, NewIssue

GROUP = -100800
RESIDENT, WORKER = 1, 3
START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
PHOTOS = ("ph-1", "ph-2", "ph-3")


@dataclass
class Town:
    registry: Registry
    service: IssueService
    community_id: int
    grid_id: int

    def new(self, **evidence: Any) -> NewIssue:
        return NewIssue(
            RESIDENT,
            self.community_id,
            self.grid_id,
            GROUP,
            "3号楼路灯不亮",
            "lighting",
            **evidence,
        )


@pytest.fixture
async def town(tmp_path: Path) -> AsyncIterator[Town]:
    registry = await Registry.open(tmp_path / "media.sqlite3")
    for user_id, name in ((RESIDENT, "阿美"), (WORKER, "林网格员")):
        await registry.see(SeenUser(user_id, name, None, None, "zh"), GROUP, "group", "第8网格群")
    reg = await registry.register_chat(GROUP, "西安村", "第8网格", by=WORKER)
    notifier = Notifier(registry, Catalogs("zh_CN", ZoneInfo("Asia/Shanghai")), frozenset())
    service = IssueService(registry.db, notifier, clock=lambda: START)
    try:
        yield Town(registry, service, reg.community.id, reg.grid.id)
    finally:
        await registry.close()


async def rows(town: Town) -> list[tuple[str, int | None, int | None, str | None]]:
    found = await town.registry.db.query(
        "SELECT method, card_of, reply_to_card, payload FROM outbox ORDER BY id"
    )
    return [(str(m), c, r, p) for m, c, r, p in found]


EVIDENCE: dict[str, Any] = {
    "photos": PHOTOS,
    "voice_file_id": "vo-1",
    "latitude": 22.5,
    "longitude": 113.9,
    "location_text": "7号楼东侧",
}


async def test_media_rows_are_queued_in_the_reports_transaction(town: Town) -> None:
    reported = await town.service.report(Origin(RESIDENT, RESIDENT, 7, True), town.new(**EVIDENCE))
    assert isinstance(reported, IssueReported)
    issue_id = reported.issue.id
    queued = await rows(town)
    assert [(m, c, r) for m, c, r, _ in queued] == [
        ("send", issue_id, None),
        ("album", None, issue_id),
        ("voice", None, issue_id),
        ("venue", None, issue_id),
    ]
    assert '"ph-1"' in (queued[1][3] or "") and '"vo-1"' in (queued[2][3] or "")
    assert '"7号楼东侧"' in (queued[3][3] or "")
    with pytest.raises(AlreadyProcessed):  # the same update again: nothing more queued
        await town.service.report(Origin(RESIDENT, RESIDENT, 7, True), town.new(**EVIDENCE))
    assert await rows(town) == queued


async def test_media_wait_for_the_card_then_go_in_order_replying_to_it(town: Town) -> None:
    await town.service.report(Origin(RESIDENT, RESIDENT, 8, True), town.new(**EVIDENCE))
    store = OutboxStore(town.registry.db)
    (card,) = await store.due(datetime.now(UTC))  # the media wait for the card
    assert card.card_of is not None and card.payload is None
    await store.sent(card, 555, datetime.now(UTC))
    after = await store.due(datetime.now(UTC))
    assert [m.method for m in after] == ["album", "voice", "venue"]
    assert {m.reply_to for m in after} == {555}
    assert after[0].payload == media.photos(PHOTOS)[0].payload


async def test_an_anonymous_voice_note_is_not_queued_for_the_group(town: Town) -> None:
    new = town.new(anonymous=True, voice_file_id="vo-2", photos=("ph-9",))
    await town.service.report(Origin(RESIDENT, RESIDENT, 9, True), new)
    group = await town.registry.db.query(
        "SELECT method, text FROM outbox WHERE chat_id = ? ORDER BY id", (GROUP,)
    )
    assert [str(m) for m, _ in group] == ["send", "photo"]
    assert "🔒 语音消息只发给网格员、物业和社区干部" in str(group[0][1])


@dataclass
class FakeBot:
    """Records the raw requests the worker makes; answers like Telegram (an album: a list)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def do_api_request(self, endpoint: str, api_kwargs: dict[str, Any]) -> Any:
        self.calls.append((endpoint, api_kwargs))
        answer = {"message_id": 500 + len(self.calls)}
        return [answer, {"message_id": 900}] if endpoint == "sendMediaGroup" else answer


async def test_the_worker_sends_each_kind_with_its_method(town: Town) -> None:
    await town.service.report(Origin(RESIDENT, RESIDENT, 10, True), town.new(**EVIDENCE))
    bot = FakeBot()
    worker = OutboxWorker(town.registry, cast(Bot, bot), lambda *_: None)
    worker.start()
    try:
        await worker.idle()
    finally:
        await worker.stop()
    assert [e for e, _ in bot.calls] == ["sendMessage", "sendMediaGroup", "sendVoice", "sendVenue"]
    card_id = 501
    for _, kwargs in bot.calls[1:]:
        assert kwargs["chat_id"] == GROUP
        assert kwargs["reply_parameters"]["message_id"] == card_id
    album = bot.calls[1][1]["media"]
    assert [m.media for m in album] == list(PHOTOS)
    assert all(isinstance(m, InputMediaPhoto) for m in album)
    assert bot.calls[2][1]["voice"] == "vo-1" and "caption" not in bot.calls[2][1]
    venue = bot.calls[3][1]
    assert (venue["title"], venue["address"]) == ("7号楼东侧", "西安村 · 第8网格")
    assert (venue["latitude"], venue["longitude"]) == (22.5, 113.9)


def test_photos_are_one_photo_or_albums_of_at_most_ten() -> None:
    assert media.photos(("a",)) == [media.Media("photo", {"photo": "a"})]
    eleven = media.photos(tuple(str(i) for i in range(11)))
    assert [m.method for m in eleven] == ["album", "photo"]
    assert media.place(1.0, 2.0, None, "x") == media.Media(
        "location", {"latitude": 1.0, "longitude": 2.0}
    )
