"""Open311 GeoReport v2, read only: discovery, services (one per category), requests (with
service_request_id, service_code, start_date, end_date and status filters; the last 90 days
unless dated; at most 1000, newest first) and one request — through the read model, so what it
shows obeys the same privacy rules as the pages (it shows no person at all).

Fields are the export's (bot/admin/service/export.py): GeoReport v2's names, the body that
answers for it as agency_responsible, the promised day's last second as expected_datetime, and
media_url: the first photo's /media/ URL. Times are ISO 8601 with their offset in MULIN_TZ.
Errors are Open311's: a JSON list of {"code", "description"}, with the HTTP status as code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.db import ts
from bot.core.i18n import Catalogs, Translator
from bot.issues.service import CATEGORY_KEYS, body_name, category_name
from bot.web.service import ReadModel, Request, Unavailable

log = logging.getLogger(__name__)

LIMIT = 1000
DEFAULT_DAYS = 90
OPEN_STATES = ("open", "escalated")  # Open311's "open"; resolved and rejected are "closed"
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"


@dataclass(frozen=True)
class Api:
    model: ReadModel
    tz: ZoneInfo
    t: Translator  # service names in MULIN_LOCALE, as the export writes them
    base_url: str | None = None  # MULIN_WEB_URL; else the request's own scheme and host


API = web.AppKey("mulin_open311", Api)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def failure(status: int, description: str) -> web.Response:
    return web.json_response([{"code": status, "description": description}], status=status)


def answer(data: Any) -> web.Response:
    return web.json_response(data, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _when(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def _service_name(t: Translator, key: str) -> str:
    return re.sub(r"^\W+\s*", "", category_name(t, key))  # without its emoji


def record(api: Api, base: str, r: Request) -> dict[str, Any]:
    notes = r.solution if r.state == "resolved" else r.reason if r.state == "rejected" else None
    due = (
        datetime.combine(date.fromisoformat(r.due_date), time(23, 59, 59), tzinfo=api.tz)
        if r.due_date
        else None
    )
    return {
        "service_request_id": str(r.id),
        "status": "open" if r.state in OPEN_STATES else "closed",
        "status_notes": notes,
        "service_name": _service_name(api.t, r.category),
        "service_code": r.category,
        "description": r.text,
        "agency_responsible": body_name(api.t, r.body) if r.body else r.community,
        "service_notice": None,
        "requested_datetime": _when(r.created_at, api.tz),
        "updated_datetime": _when(r.updated_at, api.tz),
        "expected_datetime": due.isoformat() if due else None,
        "address": r.place or f"{r.community} {r.grid}",
        "lat": r.lat,
        "long": r.lon,
        "media_url": f"{base}/media/{r.media[0]}" if r.media else None,
    }


def _base(request: web.Request) -> str:
    return request.app[API].base_url or f"{request.scheme}://{request.host}"


def _moment(name: str, raw: str, tz: ZoneInfo) -> datetime:
    # an unencoded "+08:00" arrives as " 08:00" (a + in a query is a space): read it back
    raw = re.sub(r" (\d\d:?\d\d)$", r"+\1", raw.strip())
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Open311Error(400, f"{name} is not an ISO 8601 date and time: {raw!r}") from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
    try:  # the calendar's ends: no answer for them, and no room for the 90 days before
        moment.astimezone(UTC) - timedelta(days=DEFAULT_DAYS)
    except OverflowError:
        raise Open311Error(400, f"{name} is out of range: {raw!r}") from None
    return moment


def _ids(raw: str) -> list[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdecimal() and len(p) < 10 for p in parts):
        raise Open311Error(400, f"service_request_id is not a list of numbers: {raw!r}")
    return [int(p) for p in parts]


def _states(raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    chosen = {p.strip() for p in raw.split(",")}
    if not chosen or not chosen <= {"open", "closed"}:
        raise Open311Error(400, f"status must be open or closed: {raw!r}")
    states: tuple[str, ...] = ()
    if "open" in chosen:
        states += OPEN_STATES
    if "closed" in chosen:
        states += ("resolved", "rejected")
    return states


def query(api: Api, params: dict[str, str], now: datetime) -> dict[str, Any]:
    """The read model's arguments for /requests.json's parameters (Open311Error if bad)."""
    if "service_request_id" in params:  # GeoReport: the other parameters are then ignored
        return {"ids": _ids(params["service_request_id"])}
    end = _moment("end_date", params["end_date"], api.tz) if "end_date" in params else None
    start = (
        _moment("start_date", params["start_date"], api.tz)
        if "start_date" in params
        else (end or now) - timedelta(days=DEFAULT_DAYS)
    )
    if end is not None and end < start:
        raise Open311Error(400, "end_date is before start_date")
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()] or None
    return {
        "codes": codes,
        "since": ts(start),
        "until": ts(end) if end is not None else None,
        "states": _states(params.get("status")),
    }


async def discovery(request: web.Request) -> web.Response:
    base = _base(request)
    return answer(
        {
            "changeset": "2026-01-01T00:00:00+00:00",
            "contact": f"{base}/",
            "key_service": "",
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": f"{base}/open311/v2",
                    "changeset": "2026-01-01T00:00:00+00:00",
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


async def services(request: web.Request) -> web.Response:
    t = request.app[API].t
    return answer(
        [
            {
                "service_code": key,
                "service_name": _service_name(t, key),
                "description": _service_name(t, key),
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": "",
            }
            for key in CATEGORY_KEYS
        ]
    )


async def requests(request: web.Request) -> web.Response:
    api = request.app[API]
    args = query(api, dict(request.query), datetime.now(UTC))
    found = await asyncio.to_thread(lambda: api.model.requests(**args, limit=LIMIT))
    return answer([record(api, _base(request), r) for r in found])


async def one(request: web.Request) -> web.Response:
    api = request.app[API]
    raw = request.match_info["number"]
    number = int(raw) if raw.isdecimal() and len(raw) < 10 else None
    found = (
        await asyncio.to_thread(lambda: api.model.requests(ids=[number], limit=1))
        if number is not None
        else []
    )
    if not found:
        raise Open311Error(404, f"no service request {raw}")
    return answer([record(api, _base(request), found[0])])


async def unknown(request: web.Request) -> web.Response:
    raise Open311Error(404, f"no such Open311 resource: {request.path}")


@web.middleware
async def errors(request: web.Request, handler: Any) -> web.StreamResponse:
    if not request.path.startswith("/open311/"):
        response: web.StreamResponse = await handler(request)
        return response
    try:
        response = await handler(request)
        return response
    except Open311Error as exc:
        return failure(exc.status, exc.description)
    except Unavailable:
        return failure(503, "the database is not available right now")
    except web.HTTPException as exc:
        return failure(exc.status, exc.reason)
    except Exception:  # a client of the API gets its error format, the log the traceback
        log.exception("Open311 %s failed", request.path)
        return failure(500, "the server could not answer this request")


def setup(app: web.Application, model: ReadModel, catalogs: Catalogs, base_url: str | None) -> None:
    app[API] = Api(model, catalogs.tz, catalogs.get(None), base_url)
    app.middlewares.append(errors)
    prefix = "/open311/v2"
    app.router.add_get(f"{prefix}/discovery.json", discovery)
    app.router.add_get(f"{prefix}/services.json", services)
    app.router.add_get(f"{prefix}/requests.json", requests)
    app.router.add_get(prefix + "/requests/{number}.json", one)
    app.router.add_get("/open311/{tail:.*}", unknown)
