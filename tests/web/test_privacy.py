"""SPEC's privacy rules, checked on everything the web serves: crawl every page reachable from
`/` (links and filter choices, in both languages), every issue page and every Open311 answer of
the seeded town, and look for each forbidden value — Telegram ids, last names, usernames, the
anonymous reporter's name, the directory's phone number, voice and photo file ids."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from aiohttp.test_utils import TestClient

from tests.web.conftest import FORBIDDEN, Town

Client = TestClient  # type: ignore[type-arg]
LINK = re.compile(r'(?:href|action)="([^"]+)"')
OPTION = re.compile(r'<select name="(\w+)">(.*?)</select>', re.S)
VALUE = re.compile(r'<option value="([^"]+)"')


def found_links(page: str, here: str) -> set[str]:
    links = {urljoin(here, html.unescape(h)) for h in LINK.findall(page)}
    for name, options in OPTION.findall(page):  # the filter form's choices
        links |= {f"{urlsplit(here).path}?{name}={v}" for v in VALUE.findall(options)}
    return {link for link in links if link.startswith("/") and not link.startswith("//")}


async def crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, str]:
    seen: dict[str, str] = {}
    todo = list(start)
    while todo and len(seen) < limit:
        path = todo.pop()
        if path in seen:
            continue
        response = await client.get(path)
        assert response.status in (200, 404), (path, response.status)
        seen[path] = await response.text()
        if response.content_type == "text/html":
            todo += sorted(found_links(seen[path], path) - set(seen))
    return seen


async def test_no_page_or_api_answer_shows_what_must_stay_private(
    client: Client, town: Town
) -> None:
    api = "/open311/v2"
    start = ["/", "/?lang=en"]
    start += [f"/issues/{n}{q}" for n in town.issues.values() for q in ("", "?lang=en")]
    start += [f"{api}/discovery.json", f"{api}/services.json", f"{api}/requests.json"]
    start += [f"{api}/requests.json?status=open", f"{api}/requests.json?status=closed"]
    start += [f"{api}/requests/{n}.json" for n in town.issues.values()]
    seen = await crawl(client, start)
    assert len(seen) > 40, sorted(seen)  # the crawl reached the boards, filters and cards
    assert any(p.startswith("/c/") and "grid=" in p for p in seen)
    leaks = [(path, value) for path, text in seen.items() for value in FORBIDDEN if value in text]
    assert not leaks, leaks
    lamp = seen[f"/issues/{town.issues['lamp']}"]
    assert "Amei" in lamp and "Lin" in lamp  # first names are shown
    anonymous = seen[f"/issues/{town.issues['anonymous']}"]
    assert "👤 反映人" in anonymous and "反映人 补充" in anonymous
