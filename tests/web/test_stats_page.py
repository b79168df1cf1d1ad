"""The month's statistics on the web (`/c/<community>/stats`): the figures the bot's /stats
gives, through the stats feature's own service, and the chart as inline SVG with its title."""

from __future__ import annotations

import re
from urllib.parse import quote

from aiohttp.test_utils import TestClient

from bot.stats.service import Month
from tests.web.conftest import TZ, Town, page

Client = TestClient  # type: ignore[type-arg]
XIAN = "/c/西安村"


def seeded_month(town: Town) -> Month:
    """The month the town's issues were reported in (ten days ago: maybe last month)."""
    return Month.of(town.start.astimezone(TZ).date())


async def test_the_month_figures_appear(client: Client, town: Town) -> None:
    month = seeded_month(town)
    html = await page(client, f"{XIAN}/stats?month={month}")
    assert f"<h1>📊 西安村 · {month.year}年{month.month}月</h1>" in html
    text = re.sub(r"<[^>]+>", "", html)
    for shown in (
        "📥 新增问题：5（+5）",
        "✅ 已解决：1（+1）",
        "⬆️ 已上报：1（+1）",
        "🚫 已驳回：1（+1）",
        "⏱ 解决用时中位数：0.1 天",
        "🙋 活动报名：0（±0）",
        "💡 路灯照明：1（+1） / 0（±0） / 0（±0） / 0（±0）",
        "第8网格：3（+3） / 1（+1） / 1（+1） / 0（±0）",
        "第9网格：2（+2） / 0（±0） / 0（±0） / 1（+1）",
    ):
        assert shown in text, shown
    assert f'action="{quote(XIAN)}/stats"' in html


async def test_the_chart_is_inline_svg_with_a_title(client: Client, town: Town) -> None:
    month = seeded_month(town)
    html = await page(client, f"{XIAN}/stats?month={month}")
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert f'<title id="chart-title">西安村 · {month.year}年{month.month}月' in svg
    assert "<desc" in svg and "<rect" in svg


async def test_the_default_month_is_this_month(client: Client) -> None:
    html = await page(client, f"{XIAN}/stats")
    assert "<h1>📊 西安村 · " in html and 'name="month"' in html


async def test_english(client: Client, town: Town) -> None:
    month = seeded_month(town)
    html = await page(client, f"{XIAN}/stats?month={month}&lang=en")
    assert '<html lang="en">' in html
    for shown in ("📥 Issues raised: 5 (+5)", "✅ Resolved: 1 (+1)", "By category", "By grid"):
        assert shown in html, shown
    assert "issues and sign-ups</title>" in html


async def test_the_community_page_links_here(client: Client) -> None:
    html = await page(client, XIAN)
    assert f'href="/c/{quote("西安村")}/stats"' in html
    english = await page(client, XIAN + "?lang=en")
    assert f'href="/c/{quote("西安村")}/stats?lang=en"' in english
    by_number = await page(client, "/c/1/stats")
    assert "西安村" in by_number


async def test_a_bad_month_is_400_and_an_unknown_community_404(client: Client) -> None:
    for bad in ("2026-13", "soon", "1999-01", "2999-01"):
        html = await page(client, f"{XIAN}/stats?month={bad}", 400)
        assert "<h1>400</h1>" in html
    assert "YYYY-MM" in await page(client, f"{XIAN}/stats?month=soon&lang=en", 400)
    html = await page(client, "/c/无此社区/stats", 404)
    assert "<h1>404</h1>" in html


async def test_the_month_field_is_labelled_in_the_reader_language(client: Client) -> None:
    assert "<label>月份（YYYY-MM）" in await page(client, f"{XIAN}/stats")
    assert "<label>Month (YYYY-MM)" in await page(client, f"{XIAN}/stats?lang=en")
