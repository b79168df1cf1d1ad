"""Card refreshes in the outbox: one pending per card, rendered when sent, never lost to a change
made while an edit is on its way."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.db import ts, utcnow
from bot.core.i18n import Catalogs
from bot.core.records import SeenUser
from bot.core.registry import Registry
from bot.delivery.cards import CardRenderer
from bot.delivery.outbox_store import (
    CARD_EDIT_INTERVAL,
    OutboxItem,
    OutboxStore,
    card_refresh,
    enqueue,
)
from bot.issues.card import issue_card_renderer
from bot.issues.rules.categories import suggest

GROUP = -100


@dataclass
class Card:
    """What the render function answers: the card as it should look now (None: gone)."""

    text: str | None = "card v1"

    def __call__(
        self, conn: sqlite3.Connection, kind: str, card: int, chat_id: int
    ) -> tuple[str, dict[str, Any] | None] | None:
        assert (kind, chat_id) == ("issue", GROUP)
        return (self.text, None) if self.text is not None else None


def report(community_id: int, grid_id: int) -> Callable[[sqlite3.Connection], int]:
    """An issue and its card queued, as a report leaves them: only the rows the outbox reads,
    so that these tests follow the outbox, not the issues feature's way of writing."""

    def write(conn: sqlite3.Connection) -> int:
        moment, text = utcnow(), "3号楼路灯不亮"
        (issue_id,) = conn.execute(
            "INSERT INTO issues (community_id, grid_id, chat_id, reporter_id, text, category,"
            " created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
            (community_id, grid_id, GROUP, text, suggest(text), ts(moment), ts(moment)),
        ).fetchone()
        enqueue(conn, [OutboxItem(GROUP, "card v1", card_of=issue_id)], moment)
        return int(issue_id)

    return write


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Registry, OutboxStore, int]]:
    storage = await Registry.open(tmp_path / "o.sqlite3")
    await storage.see(SeenUser(1, "阿美", None, None, "zh"), GROUP, "group", "第8网格群")
    reg = await storage.register_chat(GROUP, "西安村", "第8网格", by=1)
    issue_id = await storage.db.transaction(report(reg.community.id, reg.grid.id))
    store = OutboxStore(storage.db)
    (card,) = await store.due(utcnow(), Card())
    await store.sent(card, 555, utcnow())  # the card is in the group as message 555
    try:
        yield storage, store, issue_id
    finally:
        await storage.close()


async def refresh(storage: Registry, issue_id: int) -> None:
    await storage.db.transaction(
        lambda conn: enqueue(conn, [card_refresh(GROUP, "issue", issue_id)], utcnow())
    )


async def pending(storage: Registry) -> list[tuple[str, str]]:
    rows = await storage.db.query(
        "SELECT method, text FROM outbox WHERE done_at IS NULL ORDER BY id"
    )
    return [(str(m), str(t)) for m, t in rows]


async def test_many_changes_queue_one_refresh_rendered_when_sent(
    world: tuple[Registry, OutboxStore, int],
) -> None:
    storage, store, issue_id = world
    for _ in range(5):
        await refresh(storage, issue_id)
    assert await pending(storage) == [("refresh", "")]
    (edit,) = await store.due(utcnow(), Card("card v2 · 5 neighbours"))
    assert (edit.method, edit.reply_to, edit.text) == ("edit", 555, "card v2 · 5 neighbours")
    await store.sent(edit, 555, utcnow())
    assert await pending(storage) == []


async def test_a_change_while_the_edit_is_on_its_way_is_shown_after_it(
    world: tuple[Registry, OutboxStore, int],
) -> None:
    storage, store, issue_id = world
    await refresh(storage, issue_id)
    (edit,) = await store.due(utcnow(), Card("card v2"))
    await refresh(storage, issue_id)  # committed while v2 is being sent
    assert await pending(storage) == [("edit", "card v2"), ("refresh", "")]
    sent_at = utcnow()
    await store.sent(edit, 555, sent_at)
    assert await store.due(sent_at, Card("card v3")) == []  # edited a moment ago: not yet
    later = sent_at + CARD_EDIT_INTERVAL
    assert await store.next_due() == later.replace(microsecond=0)
    (newer,) = await store.due(later, Card("card v3"))
    assert newer.text == "card v3"


async def test_a_card_is_edited_at_most_once_an_interval(
    world: tuple[Registry, OutboxStore, int],
) -> None:
    storage, store, issue_id = world
    start = utcnow().replace(microsecond=0) + timedelta(seconds=1)  # after every not_before
    shown = []
    for second in range(0, 30):  # a change every second for half a minute
        await refresh(storage, issue_id)
        now = start + timedelta(seconds=second)
        for edit in await store.due(now, Card(f"card at {second} s")):
            await store.sent(edit, 555, now)
            shown.append(second)
    assert shown == [0, 10, 20]


async def test_a_refresh_that_changes_nothing_or_finds_nothing_is_not_sent(
    world: tuple[Registry, OutboxStore, int],
) -> None:
    storage, store, issue_id = world
    await refresh(storage, issue_id)
    assert await store.due(utcnow(), Card("card v1")) == []  # the group already shows this
    await refresh(storage, issue_id)
    assert await store.due(utcnow(), Card(None)) == []  # its issue is gone
    outcomes = await storage.db.query("SELECT outcome FROM outbox WHERE method = 'refresh'")
    assert sorted(r[0] for r in outcomes) == ["skipped: no card", "skipped: unchanged"]
    assert await pending(storage) == []


async def test_a_refresh_of_a_kind_nobody_renders_is_skipped_and_logged(
    world: tuple[Registry, OutboxStore, int], caplog: pytest.LogCaptureFixture
) -> None:
    storage, store, issue_id = world
    await refresh(storage, issue_id)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.cards"):
        only_activities = CardRenderer({"activity": lambda c, i, g: ("activity", None)})
        assert await store.due(utcnow(), only_activities) == []
    assert "no renderer for issue cards" in caplog.text
    outcomes = await storage.db.query("SELECT outcome FROM outbox WHERE method = 'refresh'")
    assert [r[0] for r in outcomes] == ["skipped: no card"]
    await refresh(storage, issue_id)  # the outbox goes on: the next refresh is drawn
    (edit,) = await store.due(utcnow(), CardRenderer({"issue": lambda c, i, g: ("v2", None)}))
    assert (edit.method, edit.text, edit.reply_to) == ("edit", "v2", 555)


async def test_the_registry_asks_the_kinds_renderer_with_the_card_and_its_chat(
    world: tuple[Registry, OutboxStore, int],
) -> None:
    storage, store, issue_id = world
    asked: list[tuple[str, int, int]] = []

    def kind(name: str) -> Any:
        def render(conn: sqlite3.Connection, card: int, chat_id: int) -> tuple[str, None]:
            asked.append((name, card, chat_id))
            return f"{name} card", None

        return render

    await refresh(storage, issue_id)
    (edit,) = await store.due(utcnow(), CardRenderer({"issue": kind("issue"), "x": kind("x")}))
    assert asked == [("issue", issue_id, GROUP)]
    assert edit.text == "issue card"


async def test_the_issue_renderer_draws_the_issue_in_the_groups_language(
    world: tuple[Registry, OutboxStore, int],
) -> None:
    storage, store, issue_id = world
    t = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai")).get("zh_CN")
    asked: list[int] = []

    def chat_tr(chat_id: int) -> Any:
        asked.append(chat_id)
        return t

    render = issue_card_renderer(chat_tr, lambda user: f"user {user}")
    await refresh(storage, issue_id)
    (edit,) = await store.due(utcnow(), CardRenderer({"issue": render}))
    assert asked == [GROUP]
    assert "3号楼路灯不亮" in edit.text
    assert await storage.db.run(lambda conn: render(conn, issue_id + 1, GROUP)) is None  # gone
