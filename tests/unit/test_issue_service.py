"""IssueService without Telegram: its typed results, its one transaction per use case (a
redelivered update has no second effect), the clock it is given, and the daily follow-up."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.db import AlreadyProcessed
from bot.core.i18n import Catalogs
from bot.core.origin import Origin
from bot.core.records import SeenUser
from bot.core.registry import Registry
from bot.issues import views
from bot.issues.notify import Notifier
from bot.issues.rules.states import Who
from bot.issues.service import (
    AlreadyFollowing,
    BadOriginal,
    Command,
    DraftGone,
    IssueChanged,
    IssueReported,
    IssueService,
    NearDuplicate,
    NewIssue,
    NotPermitted,
    NowFollowing,
    OwnIssue,
    ReportThrottled,
    WrongState,
)
from bot.issues.store import writes

GROUP = -100800
RESIDENT, NEIGHBOUR, WORKER = 1, 2, 3
START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@dataclass
class Town:
    registry: Registry
    service: IssueService
    clock: list[datetime]
    community_id: int
    grid_id: int

    def new(self, text: str, reporter: int = RESIDENT) -> NewIssue:
        return NewIssue(reporter, self.community_id, self.grid_id, GROUP, text, "lighting")

    def at(self, moment: datetime) -> None:
        self.clock[0] = moment


def origin(user_id: int, update_id: int | None = None) -> Origin:
    return Origin(user_id, GROUP, update_id, False)


@pytest.fixture
async def town(tmp_path: Path) -> AsyncIterator[Town]:
    registry = await Registry.open(tmp_path / "issues.sqlite3")
    for user_id, name in ((RESIDENT, "阿美"), (NEIGHBOUR, "阿波"), (WORKER, "林网格员")):
        await registry.see(SeenUser(user_id, name, None, None, "zh"), GROUP, "group", "第8网格群")
    reg = await registry.register_chat(GROUP, "西安村", "第8网格", by=WORKER)
    await registry.set_role(WORKER, reg.community.id, "grid", granted=True, by=WORKER)
    notifier = Notifier(registry, Catalogs("zh_CN", ZoneInfo("Asia/Shanghai")), frozenset())
    clock = [START]
    service = IssueService(registry.db, notifier, clock=lambda: clock[0])
    try:
        yield Town(registry, service, clock, reg.community.id, reg.grid.id)
    finally:
        await registry.close()


async def reported(town: Town, text: str, reporter: int = RESIDENT) -> int:
    result = await town.service.report(origin(reporter), town.new(text, reporter))
    assert isinstance(result, IssueReported), result
    return result.issue.id


async def test_a_report_is_one_effect_even_when_the_update_comes_twice(town: Town) -> None:
    first = await town.service.report(origin(RESIDENT, 7), town.new("3号楼路灯不亮"))
    assert isinstance(first, IssueReported) and first.issue.created_at == START
    with pytest.raises(AlreadyProcessed):
        await town.service.report(origin(RESIDENT, 7), town.new("3号楼路灯不亮"))
    assert await town.service.get(first.issue.id + 1) is None


async def test_a_near_duplicate_is_kept_as_a_draft_until_reported_anyway(town: Town) -> None:
    issue_id = await reported(town, "3号楼门口路灯不亮")
    looks = await town.service.report(origin(NEIGHBOUR), town.new("3号楼门口的路灯不亮", NEIGHBOUR))
    assert isinstance(looks, NearDuplicate) and looks.match.id == issue_id
    again = await town.service.report_anyway(origin(NEIGHBOUR), looks.draft_id)
    assert isinstance(again, IssueReported) and again.issue.id == issue_id + 1
    gone = await town.service.report_anyway(origin(NEIGHBOUR), looks.draft_id)
    assert gone == DraftGone(looks.draft_id)


async def test_five_reports_an_hour_then_the_time_of_the_next(town: Town) -> None:
    for i in range(5):
        town.at(START + timedelta(minutes=i))
        await reported(town, f"第{i}个问题：{['路灯', '垃圾', '积水', '噪音', '电梯'][i]}")
    town.at(START + timedelta(minutes=10))
    refused = await town.service.report(origin(RESIDENT), town.new("还有一个问题"))
    assert refused == ReportThrottled(START + timedelta(hours=1))


async def test_changes_answer_with_distinct_results(town: Town) -> None:
    issue_id = await reported(town, "3号楼路灯不亮")
    refused = await town.service.escalate(origin(NEIGHBOUR), issue_id)
    assert isinstance(refused, NotPermitted) and refused.command is Command.ESCALATE
    town.at(START + timedelta(hours=1))
    done = await town.service.escalate(origin(WORKER), issue_id, "需要社区协调")
    assert isinstance(done, IssueChanged) and done.issue.state == "escalated"
    assert done.issue.updated_at == START + timedelta(hours=1)
    assert isinstance(await town.service.escalate(origin(WORKER), issue_id), WrongState)
    dup = await town.service.apply(origin(WORKER), issue_id, Command.DUP, dup_of=issue_id)
    assert dup == BadOriginal("self", issue_id)


async def test_me_too(town: Town) -> None:
    issue_id = await reported(town, "3号楼路灯不亮")
    assert isinstance(await town.service.follow(origin(RESIDENT), issue_id), OwnIssue)
    assert isinstance(await town.service.follow(origin(NEIGHBOUR), issue_id), NowFollowing)
    assert isinstance(await town.service.follow(origin(NEIGHBOUR), issue_id), AlreadyFollowing)


async def test_the_follow_up_escalates_once_a_day(town: Town) -> None:
    issue_id = await reported(town, "3号楼路灯不亮")
    later = START + timedelta(days=14, hours=1)
    done = await town.service.follow_up(later, "2025-03-17")
    assert done is not None and done.escalated == [issue_id]
    assert await town.service.follow_up(later + timedelta(hours=2), "2025-03-17") is None
    issue = await town.service.get(issue_id)
    assert issue is not None and issue.history[-1].action == "auto_escalate"


async def test_the_near_duplicate_index_trusts_the_database_over_itself(town: Town) -> None:
    """The index lives in memory (bot/issues/store/signatures.py): an insert rolled back after
    indexing, whose id SQLite then gives to another issue, and an issue resolved without the
    index hearing of it, are never proposed."""
    lamp, lift = "3号楼门口路灯不亮，晚上很黑", "5号楼电梯停在二楼不动了"
    await reported(town, "垃圾桶满了没人清理")  # the grid is indexed from now on

    def rolled_back(conn: sqlite3.Connection) -> None:
        writes.insert_issue(conn, town.new(lamp), START)
        raise RuntimeError("the transaction fails after indexing")

    with pytest.raises(RuntimeError):
        await town.registry.db.transaction(rolled_back)
    reused = await reported(town, lift)  # the id the rolled-back insert had
    assert isinstance(await town.service.report(origin(NEIGHBOUR), town.new(lamp)), IssueReported)
    looks = await town.service.report(origin(NEIGHBOUR), town.new("5号楼电梯停在二楼不动"))
    assert isinstance(looks, NearDuplicate) and looks.match.id == reused
    await town.registry.db.transaction(
        lambda conn: conn.execute("UPDATE issues SET state = 'resolved' WHERE id = ?", (reused,))
    )
    later = await town.service.report(origin(WORKER), town.new("5号楼电梯停在二楼不动"))
    assert isinstance(later, IssueReported)


async def test_the_cards_json_is_what_ptb_would_send(town: Town) -> None:
    """The outbox's card buttons are built as JSON directly (bot/issues/views/cards.py): the
    same as PTB's own objects give, in every state and for every viewer."""
    catalogs = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai"))
    issue_id = await reported(town, "3号楼路灯不亮")
    await town.service.follow(origin(NEIGHBOUR), issue_id)
    viewers = [None, Who(frozenset({"grid"})), Who(frozenset(), reporter=True), Who(frozenset())]
    for step in (None, Command.ESCALATE, Command.CLOSE):
        if step is not None:
            await town.service.apply(origin(WORKER), issue_id, step, note="已处理")
        issue = await town.service.get(issue_id)
        assert issue is not None
        for locale in ("zh_CN", "en"):
            for viewer in viewers:
                t = catalogs.get(locale)
                ptb = views.card_buttons(t, issue, viewer)
                assert views.card_markup(t, issue, viewer) == (ptb.to_dict() if ptb else None)
