"""Open311 GeoReport v2 (read) over the real server: discovery, services, requests and its
filters and limit, one request, and Open311's error format."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.issues.service import CATEGORY_KEYS
from bot.web.server import create_app
from tests.web.conftest import TZ, Town

Client = TestClient  # type: ignore[type-arg]
API = "/open311/v2"
FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "lat", "long", "media_url",
}  # fmt: skip


async def get(client: Client, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    assert response.status == status, (path, await response.text())
    assert response.content_type == "application/json"
    return await response.json()


def ids(found: list[dict[str, Any]]) -> list[int]:
    return [int(r["service_request_id"]) for r in found]


async def test_discovery(client: Client) -> None:
    found = await get(client, f"{API}/discovery.json")
    endpoint = found["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "application/json" in endpoint["formats"]


async def test_one_service_per_category(client: Client) -> None:
    found = await get(client, f"{API}/services.json")
    assert [s["service_code"] for s in found] == list(CATEGORY_KEYS)
    lighting = found[list(CATEGORY_KEYS).index("lighting")]
    assert lighting["service_name"] == "路灯照明" and lighting["metadata"] is False
    assert lighting["type"] == "realtime"


async def test_requests_with_geo_report_fields(client: Client, town: Town) -> None:
    found = await get(client, f"{API}/requests.json")
    assert ids(found) == [5, 4, 3, 2, 1]
    assert all(set(r) == FIELDS for r in found)
    lamp = found[-1]
    assert lamp["status"] == "open" and lamp["service_code"] == "lighting"
    assert lamp["service_name"] == "路灯照明" and lamp["agency_responsible"] == "物业"
    assert lamp["address"] == "3号楼门口" and (lamp["lat"], lamp["long"]) == (24.7312, 118.5521)
    assert lamp["requested_datetime"].endswith("+08:00")
    assert lamp["expected_datetime"].endswith("T23:59:59+08:00")
    assert lamp["media_url"].endswith("/media/1-1") and lamp["media_url"].startswith("http")
    fixed = found[1]
    assert fixed["status"] == "closed" and fixed["status_notes"] == "已清运"
    assert fixed["address"] == "西安村 第8网格" and fixed["media_url"] is None


async def test_requests_filters(client: Client, town: Town) -> None:
    async def of(query: str) -> list[int]:
        return ids(await get(client, f"{API}/requests.json?{query}"))

    assert await of("status=open") == [3, 2, 1]
    assert await of("status=closed") == [5, 4]
    assert await of("status=open,closed") == [5, 4, 3, 2, 1]
    assert await of("service_code=lighting") == [1]
    assert await of("service_code=lighting,noise") == [5, 1]
    assert await of("service_request_id=2,4") == [4, 2]
    assert await of("service_request_id=4&status=open") == [4]  # the others are then ignored
    created = town.start + timedelta(minutes=50)  # #3 was reported at +60 minutes
    since = created.isoformat().replace("+00:00", "Z")
    assert await of(f"start_date={since}") == [5, 4, 3]
    assert await of(f"end_date={created.isoformat()}") == [2, 1]
    local = created.astimezone(TZ).replace(tzinfo=None).isoformat()
    assert await of(f"start_date={local}") == [5, 4, 3]  # no offset: MULIN_TZ


async def test_the_last_90_days_unless_dated(client: Client, town: Town) -> None:
    old = (datetime.now(UTC) - timedelta(days=120)).isoformat(timespec="seconds")
    with sqlite3.connect(town.path) as conn:
        conn.execute("UPDATE issues SET created_at = ? WHERE id = 5", (old,))
    assert ids(await get(client, f"{API}/requests.json")) == [4, 3, 2, 1]
    start = (datetime.now(UTC) - timedelta(days=200)).date().isoformat()
    assert ids(await get(client, f"{API}/requests.json?start_date={start}")) == [5, 4, 3, 2, 1]


async def test_at_most_1000(client: Client, town: Town) -> None:
    with sqlite3.connect(town.path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(issues)") if r[1] != "id"]
        names = ", ".join(columns)
        for _ in range(1000):
            conn.execute(f"INSERT INTO issues ({names}) SELECT {names} FROM issues WHERE id = 3")
    found = await get(client, f"{API}/requests.json")
    assert len(found) == 1000 and ids(found)[0] == 1005


async def test_one_request(client: Client) -> None:
    found = await get(client, f"{API}/requests/1.json")
    assert ids(found) == [1] and set(found[0]) == FIELDS


async def test_errors_in_open311_format(client: Client) -> None:
    for path, status in (
        (f"{API}/requests/999.json", 404),
        (f"{API}/requests/abc.json", 404),
        (f"{API}/requests.json?start_date=yesterday", 400),
        (f"{API}/requests.json?end_date=2026-13-45", 400),
        (f"{API}/requests.json?status=pending", 400),
        (f"{API}/requests.json?service_request_id=x", 400),
        (f"{API}/requests.json?start_date=2026-03-01&end_date=2026-01-01", 400),
        (f"{API}/nothing.json", 404),
        # the calendar's ends: no room for the 90 days before, or no UTC time at all
        (f"{API}/requests.json?end_date=0001-03-31T00:00:00Z", 400),
        (f"{API}/requests.json?start_date=0001-01-01T00:00:00%2B08:00", 400),
        (f"{API}/requests.json?end_date=9999-12-31T23:59:59-08:00", 400),
    ):
        found = await get(client, path, status)
        assert isinstance(found, list) and len(found) == 1, path
        assert found[0]["code"] == status and isinstance(found[0]["description"], str), path


async def test_media_url_and_discovery_use_mulin_web_url(town: Town) -> None:
    settings = Settings.from_env(
        {"MULIN_DB": str(town.path), "MULIN_WEB_URL": "https://board.example.org"}
    )
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        lamp = (await get(client, f"{API}/requests/1.json"))[0]
        assert lamp["media_url"] == "https://board.example.org/media/1-1"
        found = await get(client, f"{API}/discovery.json")
        assert found["endpoints"][0]["url"] == "https://board.example.org/open311/v2"
