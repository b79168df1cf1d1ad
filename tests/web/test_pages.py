"""The web board's pages over a real aiohttp server and a real SQLite file seeded through the
bot's services: the communities, the three boards with their filters and pages, the issue card,
the 404 and 400 pages, the languages."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web import server
from bot.web.server import create_app
from tests.web.conftest import Town, page

Client = TestClient  # type: ignore[type-arg]
XIAN = "/c/西安村"


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/issues/(\d+)[^"]*">#', html)]


async def test_the_home_page_lists_the_communities(client: Client) -> None:
    html = await page(client, "/")
    assert '<html lang="zh-CN">' in html and "<h1>社区</h1>" in html
    assert 'href="/c/%E8%A5%BF%E5%AE%89%E6%9D%91">西安村</a>' in html and "鸿塔社区" in html
    assert 'name="viewport"' in html


async def test_the_three_boards_and_what_each_line_shows(client: Client, town: Town) -> None:
    html = await page(client, XIAN)
    boards = re.split(r"<h2>", html)[1:]
    assert [b.split(" ")[0] for b in boards] == ["居民说", "物业说", "社区说"]
    residents, property_, community = boards
    assert numbers(residents) == [town.issues["anonymous"], town.issues["lamp"]]
    assert numbers(property_) == [town.issues["lift"]]
    assert numbers(community) == [town.issues["fixed"]]
    assert town.issues["rejected"] not in numbers(html)
    lamp = residents.split('href="/issues/1"')[1].split("</li>")[0]
    for shown in (
        "3号楼门口路灯不亮",
        "第8网格",
        "💡 路灯照明",
        "9 天",
        "物业",
        "前完成",
        "⏰ 逾期",
        "🙋 1 位邻居也遇到",
    ):
        assert shown in lamp, shown


async def test_the_boards_filter_by_grid_and_category(client: Client, town: Town) -> None:
    nine = await page(client, XIAN + "?grid=第9网格")
    assert numbers(nine) == [town.issues["anonymous"]]
    assert '<option value="第9网格" selected>' in nine
    lighting = await page(client, XIAN + "?category=lighting")
    assert numbers(lighting) == [town.issues["lamp"]]
    both = await page(client, XIAN + "?grid=第9网格&category=lighting")
    assert numbers(both) == []


async def test_a_board_has_pages(
    client: Client, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "PER_BOARD", 1)
    html = await page(client, XIAN)
    assert numbers(html) == [town.issues["anonymous"], town.issues["lift"], town.issues["fixed"]]
    more = re.search(r'<a href="([^"]+)">更多', html)
    assert more is not None and "board=open" in more.group(1) and "page=2" in more.group(1)
    second = await page(client, more.group(1).replace("&amp;", "&"))
    assert numbers(second) == [town.issues["lamp"]]
    assert "<h2>居民说" in second and "<h2>物业说" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert '<a href="/c/%E8%A5%BF%E5%AE%89%E6%9D%91">‹ 全部三个公开栏</a>' in second
    first = await page(client, XIAN + "?board=open&page=1")
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert numbers(await page(client, XIAN + "?board=open&page=3")) == []


@pytest.mark.parametrize(
    "query",
    ["?page=abc", "?page=0", "?page=-1", "?board=open&page=1.5", "?board=nope", "?category=nope"],
)
async def test_malformed_paging_or_filters_are_a_400_page(client: Client, query: str) -> None:
    html = await page(client, XIAN + query, 400)
    assert '<html lang="zh-CN">' in html


@pytest.mark.parametrize(
    "path",
    ["/c/没有这个村", "/c/999", XIAN + "?grid=第99网格", "/issues/999", "/issues/abc",
     "/issues/99999999999999999999", "/nowhere", "/c/西安村/nowhere"],
)  # fmt: skip
async def test_unknown_things_are_a_404_page(client: Client, path: str) -> None:
    html = await page(client, path, 404)
    assert "<h1>404</h1>" in html and "全部社区" in html


async def test_a_community_by_its_number(client: Client) -> None:
    html = await page(client, "/c/1")
    assert "<h1>西安村</h1>" in html


async def test_the_issue_page_is_the_card_with_its_history(client: Client, town: Town) -> None:
    html = await page(client, f"/issues/{town.issues['lamp']}")
    assert "<h1>#1 居民说 · 待处理</h1>" in html
    for shown in ("💡 路灯照明 · 小事", "3号楼门口路灯不亮，晚上很黑", "📍 3号楼门口",
                  "24.73120, 118.55210", "👤 Amei", "承办：物业（Lin）", "📷 2 张照片",
                  "Amei 反映了问题", "Lin 补充：灯杆线路老化 📷"):  # fmt: skip
        assert shown in html, shown
    assert 'href="/c/%E8%A5%BF%E5%AE%89%E6%9D%91"' in html
    resolved = await page(client, f"/issues/{town.issues['fixed']}")
    assert "已解决" in resolved and "已清运" in resolved
    rejected = await page(client, f"/issues/{town.issues['rejected']}")
    assert "#5 已驳回" in rejected and "不在本小区" in rejected


async def test_english_with_lang_en_and_links_keep_it(client: Client, town: Town) -> None:
    html = await page(client, XIAN + "?lang=en")
    assert '<html lang="en">' in html
    assert "<h2>Residents say" in html and "<h2>Property says" in html and "Community says" in html
    assert f'href="/issues/{town.issues["lamp"]}?lang=en"' in html
    card = await page(client, f"/issues/{town.issues['lamp']}?lang=en")
    assert "#1 Residents say · open" in card and "中文" in card
    missing = await page(client, "/issues/999?lang=en", 404)
    assert "There is no such issue." in missing


async def test_user_text_is_shown_verbatim_and_escaped(client: Client, town: Town) -> None:
    with sqlite3.connect(town.path) as conn:  # written beside the running board
        conn.execute(
            "UPDATE issues SET text = '<script>alert(1)</script> & <b>x</b>' WHERE id = ?",
            (town.issues["lamp"],),
        )
    for path in (XIAN, f"/issues/{town.issues['lamp']}"):
        html = await page(client, path)
        assert "<script>" not in html and "<b>x</b>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html, path


async def test_a_missing_database_is_a_503_page(tmp_path: Path) -> None:
    app = create_app(Settings.from_env({"MULIN_DB": str(tmp_path / "none.sqlite3")}))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        html = await page(client, "/", 503)
        assert "Traceback" not in html


async def test_pages_fit_a_phone(client: Client) -> None:
    """No horizontal scroll at 360 px: the device's width, nothing fixed wider, long words
    wrap (a browser test of the layout is issue 18's item 7)."""
    html = await page(client, XIAN)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    style = html.split("<style>")[1].split("</style>")[0]
    assert "overflow-wrap: anywhere" in style and "flex-wrap: wrap" in style
    widths = [int(w) for w in re.findall(r"(?<![-\w])(?:min-)?width:\s*(\d+)px", style)]
    assert all(w <= 360 for w in widths), widths
