"""With MULIN_WEB_URL, Telegram leads to the web board: cards and /board link to their pages and
the menu button opens the board as a Mini App; without it, the bot is as it always was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from emulator import Emulator, Message
from emulator.harness import bot_settings
from tests.conftest import World
from tests.e2e.test_issues import grid8, report

WEB_URL = "https://board.example.cn/mulin"
LABEL_ZH = "🌐 在网页上查看"


@pytest.fixture
def settings(tmp_path: Path, emu: Emulator) -> Settings:
    # the trailing slash is the operator's; the links must not double it
    return bot_settings(
        emu, tmp_path / "mulin.sqlite3", MULIN_CARD_EDIT_SECONDS="0", MULIN_WEB_URL=WEB_URL + "/"
    )


@pytest.fixture
async def plain_world(tmp_path: Path, emu: Emulator) -> AsyncIterator[World]:
    """The same world without MULIN_WEB_URL."""
    w = World(emu, bot_settings(emu, tmp_path / "plain.sqlite3", MULIN_CARD_EDIT_SECONDS="0"))
    w.superadmin()
    await w.start_bot()
    try:
        yield w
    finally:
        await w.stop_bot()


def url_buttons(message: Message) -> list[tuple[str, str]]:
    return [(b.text, b.url) for row in message.buttons for b in row if b.url is not None]


def community_id(world: World, group_id: int) -> int:
    grid = world.running_app.bot_data.registry.chat_grid(group_id)
    assert grid is not None
    return grid.community_id


async def test_a_reports_card_links_to_its_page_and_keeps_the_link(world: World) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    number = int((card.text or "").split()[0].lstrip("#"))
    assert url_buttons(card) == [(LABEL_ZH, f"{WEB_URL}/issues/{number}")]
    assert card.buttons[-1][0].url is not None  # below the "Me too" and moderators' buttons
    assert card.buttons[0][0].callback_data is not None
    # a press redraws the card (the outbox's renderer): the link stays
    await world.press(g.bo, card, "🙋 我也遇到")
    card = world.emu.message(g.group, card.message_id)
    assert "(1)" in card.buttons[0][0].text
    assert url_buttons(card) == [(LABEL_ZH, f"{WEB_URL}/issues/{number}")]
    # /issue N in the group answers the same card, with the same link
    again = await world.say_one(g.bo, g.group, f"/issue {number}")
    assert url_buttons(again) == [(LABEL_ZH, f"{WEB_URL}/issues/{number}")]


async def test_board_links_to_its_communitys_page(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "5号楼电梯经常停运")
    board = await world.say_one(g.amei, g.group, "/board")
    link = f"{WEB_URL}/c/{community_id(world, g.group.id)}"
    assert url_buttons(board) == [(LABEL_ZH, link)]
    private = await world.say_one(g.amei, world.emu.private_chat(g.amei), "/board")
    assert url_buttons(private) == [(LABEL_ZH, link)]


async def test_an_english_reader_sees_the_english_label(world: World) -> None:
    g = await grid8(world)
    await world.say(world.superadmin(), g.group, "/lang en")
    board = await world.say_one(g.amei, g.group, "/board")
    assert [label for label, _ in url_buttons(board)] == ["🌐 View on the web"]


async def test_the_menu_button_opens_the_board_as_a_mini_app(world: World) -> None:
    assert world.emu.menu_button() == {
        "type": "web_app",
        "text": "看板",
        "web_app": {"url": f"{WEB_URL}/"},
    }


async def test_without_a_web_url_there_is_no_link_and_no_menu_button(plain_world: World) -> None:
    g = await grid8(plain_world)
    card = await report(plain_world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    assert url_buttons(card) == []
    board = await plain_world.say_one(g.amei, g.group, "/board")
    assert url_buttons(board) == []
    assert board.buttons == []
    assert plain_world.emu.menu_button() is None
