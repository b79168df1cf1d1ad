"""A seeded town for the web board's tests, written through the bot's own services (as the bot
would write it), then served by the real aiohttp application over 127.0.0.1.

Everything the public must never see is unusual on purpose, so the crawl test can look for it:
surnames, usernames, Telegram ids, a directory phone number, voice and photo file ids, and
the first name of an anonymous reporter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.core.i18n import Catalogs
from bot.core.origin import Origin
from bot.core.records import SeenUser
from bot.core.registry import Registry
from bot.directory.rules import Contact
from bot.directory.service import DirectoryService
from bot.issues.notify import Notifier
from bot.issues.service import Addition, IssueReported, IssueService, NewIssue
from bot.web.server import create_app

TZ = ZoneInfo("Asia/Shanghai")
GROUP_8, GROUP_9, GROUP_T = -1007000800, -1007000900, -1007000100
AMEI, HIDDEN, LIN, BO = 7001234501, 7001234502, 7001234503, 7001234504
PEOPLE = {
    AMEI: ("Amei", "Ouyangsurname", "amei_tg"),
    HIDDEN: ("Qiaoqiao", "Secretlast", "hidden_tg"),
    LIN: ("Lin", "Gridworkerlast", "lin_grid"),
    BO: ("Bo", "Bolast", "abo_tg"),
}
PHONE = "13912345678"
VOICES = ("VOICE-FILE-AAA", "VOICE-ADD-BBB")
PHOTOS = ("PHOTO-FILE-111", "PHOTO-FILE-222", "PHOTO-NOTE-333")
# what no page and no API answer may contain
FORBIDDEN = (
    *(str(uid) for uid in PEOPLE),
    *(last for _, last, _ in PEOPLE.values()),
    *(username for _, _, username in PEOPLE.values()),
    "Qiaoqiao",  # the anonymous reporter's first name
    PHONE,
    *VOICES,
    *PHOTOS,
)


@dataclass
class Town:
    path: Path
    issues: dict[str, int] = field(default_factory=dict)
    start: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(days=10))


def origin(user_id: int, chat_id: int = GROUP_8) -> Origin:
    return Origin(user_id, chat_id, None, False)


async def _people(registry: Registry) -> tuple[int, int, int]:
    for uid, (first, last, username) in PEOPLE.items():
        for chat, title in ((GROUP_8, "第8网格群"), (GROUP_9, "第9网格群")):
            await registry.see(SeenUser(uid, first, last, username, "zh"), chat, "group", title)
    eight = await registry.register_chat(GROUP_8, "西安村", "第8网格", by=LIN)
    nine = await registry.register_chat(GROUP_9, "西安村", "第9网格", by=LIN)
    await registry.see(
        SeenUser(LIN, "Lin", "Gridworkerlast", "lin_grid", "zh"), GROUP_T, "group", "t"
    )
    await registry.register_chat(GROUP_T, "鸿塔社区", "第1网格", by=LIN)
    await registry.set_role(LIN, eight.community.id, "grid", granted=True, by=LIN)
    return eight.community.id, eight.grid.id, nine.grid.id


async def seed(path: Path) -> Town:
    town = Town(path)
    registry = await Registry.open(path)
    clock = [town.start]
    try:
        community, grid8, grid9 = await _people(registry)
        notifier = Notifier(registry, Catalogs("zh_CN", TZ), frozenset())
        service = IssueService(registry.db, notifier, clock=lambda: clock[0])
        directory = DirectoryService(registry.db, clock=lambda: clock[0])
        await directory.save(
            origin(LIN), community, Contact("grid", "Lin Gridworkerlast", PHONE, "3号楼")
        )

        async def report(key: str, new: NewIssue, chat: int = GROUP_8) -> int:
            clock[0] += timedelta(minutes=20)
            done = await service.report(origin(new.reporter_id, chat), new)
            assert isinstance(done, IssueReported), done
            town.issues[key] = done.issue.id
            return done.issue.id

        lamp = await report(
            "lamp",
            NewIssue(AMEI, community, grid8, GROUP_8, "3号楼门口路灯不亮，晚上很黑", "lighting",
                     location_text="3号楼门口", latitude=24.7312, longitude=118.5521,
                     photos=PHOTOS[:2]),
        )  # fmt: skip
        hidden = await report(
            "anonymous",
            NewIssue(HIDDEN, community, grid9, GROUP_9, "地下车库排水沟堵塞，积水发臭", "drainage",
                     anonymous=True, voice_file_id=VOICES[0]),
            GROUP_9,
        )  # fmt: skip
        lift = await report(
            "lift", NewIssue(BO, community, grid8, GROUP_8, "5号楼电梯经常停运", "facilities")
        )
        fixed = await report(
            "fixed",
            NewIssue(AMEI, community, grid8, GROUP_8, "小区北门垃圾满了没人清", "sanitation"),
        )
        wrong = await report(
            "rejected",
            NewIssue(BO, community, grid9, GROUP_9, "隔壁小区广场舞太吵", "noise"),
            GROUP_9,
        )
        clock[0] += timedelta(hours=1)
        await service.follow(origin(BO), lamp)
        await service.assign(origin(LIN), lamp, "property", LIN)
        await service.promise(
            origin(LIN), lamp, (service.today() + timedelta(days=1)).isoformat(), "已约电工"
        )
        await service.add(
            origin(HIDDEN, GROUP_9), hidden, Addition("补充：味道很大", voice=VOICES[1])
        )
        await service.add_note(origin(LIN, GROUP_9), hidden, "已联系物业疏通")
        await service.add(origin(LIN), lamp, Addition("灯杆线路老化", photo=PHOTOS[2]))
        await service.escalate(origin(LIN), lift, "需要社区协调")
        await service.close(origin(LIN), fixed, "已清运")
        await service.reject(origin(LIN, GROUP_9), wrong, "不在本小区")
        later = clock[0] + timedelta(days=3)
        await service.follow_up(later, later.astimezone(TZ).date().isoformat())
    finally:
        await registry.close()
    return town


async def page(client: TestClient, path: str, status: int = 200) -> str:  # type: ignore[type-arg]
    """A page of the board: its status as expected, HTML, never a traceback."""
    response = await client.get(path)
    text = await response.text()
    assert response.status == status, (path, text)
    assert response.content_type == "text/html"
    assert "Traceback" not in text
    return text


@pytest.fixture
async def town(tmp_path: Path) -> Town:
    return await seed(tmp_path / "mulin.sqlite3")


@pytest.fixture
async def client(town: Town) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(Settings.from_env({"MULIN_DB": str(town.path)}))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client
