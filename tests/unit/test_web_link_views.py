"""With MULIN_WEB_URL the issue card and the boards carry a link to the web board, built as JSON
for the outbox exactly as PTB's objects would give it; without it they are unchanged."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

from telegram import MenuButton, MenuButtonWebApp, WebAppInfo
from telegram.error import BadRequest

from bot.app import MulinApp, publish_board_button
from bot.core.i18n import Catalogs
from bot.issues import views
from bot.issues.rules.states import Who
from bot.issues.store.reads import Board
from bot.issues.views import answers
from tests.unit.test_issue_service import NEIGHBOUR, Town, origin, reported
from tests.unit.test_issue_service import town as town  # the fixture

WEB_URL = "https://board.example.cn"
CATALOGS = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai"))


async def test_the_cards_web_link_is_the_same_in_json_and_in_ptb(town: Town) -> None:
    issue_id = await reported(town, "3号楼路灯不亮")
    await town.service.follow(origin(NEIGHBOUR), issue_id)
    issue = await town.service.get(issue_id)
    assert issue is not None
    for locale in ("zh_CN", "en"):
        t = CATALOGS.get(locale)
        for viewer in (None, Who(frozenset({"grid"})), Who(frozenset(), reporter=True)):
            ptb = views.card_buttons(t, issue, viewer, WEB_URL)
            markup = views.card_markup(t, issue, viewer, WEB_URL)
            assert ptb is not None and markup == ptb.to_dict()
            rows = markup["inline_keyboard"]
            assert isinstance(rows, list)
            assert rows[-1] == [{"text": views.web_label(t), "url": f"{WEB_URL}/issues/{issue_id}"}]
        # without a board, the card is exactly what it was
        assert views.card_markup(t, issue, None, None) == views.card_markup(t, issue, None)


def test_the_web_label_is_translated() -> None:
    assert views.web_label(CATALOGS.get("zh_CN")) == "🌐 在网页上查看"
    assert views.web_label(CATALOGS.get("en")) == "🌐 View on the web"


def test_the_boards_answer_ends_with_the_web_link() -> None:
    t = CATALOGS.get("zh_CN")
    empty = {state: Board([], 0) for state in ("open", "escalated", "resolved")}
    _, none = answers.boards(t, "西安村", empty, ("c", 1))
    assert none is None
    _, markup = answers.boards(t, "西安村", empty, ("c", 1), f"{WEB_URL}/c/1")
    assert markup is not None
    assert markup.to_dict()["inline_keyboard"] == [
        [{"text": "🌐 在网页上查看", "url": f"{WEB_URL}/c/1"}]
    ]


def test_the_web_link_comes_below_the_boards_page_buttons() -> None:
    t = CATALOGS.get("en")
    found = {"open": Board([], 20), "escalated": Board([], 0), "resolved": Board([], 0)}
    _, markup = answers.boards(t, "西安村", found, ("g", 3), f"{WEB_URL}/c/1")
    assert markup is not None
    rows = markup.to_dict()["inline_keyboard"]
    assert len(rows) == 2 and "callback_data" in rows[0][0]
    assert rows[1] == [{"text": "🌐 View on the web", "url": f"{WEB_URL}/c/1"}]


class _Bot:
    """Records the menu buttons the bot sets; `fail` answers as Telegram would refuse one."""

    def __init__(self, fail: bool = False) -> None:
        self.buttons: list[MenuButton] = []
        self.fail = fail

    async def set_chat_menu_button(self, *, menu_button: MenuButton) -> bool:
        if self.fail:
            raise BadRequest("Button_url_invalid")
        self.buttons.append(menu_button)
        return True


async def test_the_menu_button_opens_only_an_https_board_and_never_stops_the_bot() -> None:
    bot = _Bot()
    app = cast(MulinApp, SimpleNamespace(bot=bot))
    await publish_board_button(app, CATALOGS, "http://127.0.0.1:8080")
    assert bot.buttons == []  # Telegram opens only https Mini Apps
    await publish_board_button(app, CATALOGS, WEB_URL)
    assert bot.buttons == [MenuButtonWebApp("看板", WebAppInfo(f"{WEB_URL}/"))]
    failing = cast(MulinApp, SimpleNamespace(bot=_Bot(fail=True)))
    await publish_board_button(failing, CATALOGS, WEB_URL)  # logged, not raised
