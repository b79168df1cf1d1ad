"""`python -m bot export issues|activities --format csv|json [--community X]`, for administrators.

Issues use the Open311 GeoReport v2 field names where they apply (service_request_id, status,
status_notes, service_name, service_code, description, requested_datetime, updated_datetime,
address, lat, long, agency_responsible: the body that answers for it, else the community;
expected_datetime: the end of the promised day), so a city system can take them; Mulin's own
fields follow with a `mulin_` prefix (the answers to "Fixed?" as mulin_rated_fixed, _partly,
_not_fixed). Times are ISO 8601 in MULIN_TZ. It reads the database file
read-only, so it may run beside the bot.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.admin import store
from bot.core.i18n import Catalogs, Translator
from bot.issues.service import body_name, category_name

ISSUE_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "requested_datetime", "updated_datetime", "address", "lat", "long",
    "agency_responsible", "expected_datetime", "mulin_state", "mulin_priority", "mulin_grid",
    "mulin_followers", "mulin_resolved_datetime", "mulin_overdue", "mulin_rated_fixed",
    "mulin_rated_partly", "mulin_rated_not_fixed",
)  # fmt: skip
ACTIVITY_FIELDS = (
    "id", "community", "title", "description", "start", "end", "place", "capacity",
    "max_party", "deadline", "state", "confirmed_people", "waitlisted_people", "signups",
)  # fmt: skip


OPEN_STATES = ("open", "escalated")  # Open311's "open"; every other state is "closed"


class ExportError(Exception):
    """Something the administrator must correct (message says what)."""


def _when(text: str | None, tz: ZoneInfo) -> str | None:
    return datetime.fromisoformat(text).astimezone(tz).isoformat() if text else None


def _end_of(day: str | None, tz: ZoneInfo) -> str | None:
    """A promised day as Open311's expected_datetime: its last second, local time."""
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=tz).isoformat()


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise ExportError(f"no database at {path} (MULIN_DB)")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _community_id(conn: sqlite3.Connection, name: str | None) -> int | None:
    if name is None:
        return None
    found = store.community_id(conn, name)
    if found is None:
        known = ", ".join(store.community_names(conn))
        raise ExportError(f"no community {name!r}; known: {known or 'none'}")
    return found


def _issue(row: tuple[Any, ...], tz: ZoneInfo, t: Translator) -> dict[str, Any]:
    (iid, state, solution, reason, category, text, created, updated, place, lat, lon,
     community, priority, grid, followers, resolved, body, due, overdue, fixed, partly,
     not_fixed) = row  # fmt: skip
    notes = solution if state == "resolved" else reason if state == "rejected" else None
    return {
        "service_request_id": str(iid),
        "status": "open" if state in OPEN_STATES else "closed",
        "status_notes": notes,
        "service_name": re.sub(r"^\W+\s*", "", category_name(t, category)),  # no emoji
        "service_code": category,
        "description": text,
        "requested_datetime": _when(created, tz),
        "updated_datetime": _when(updated, tz),
        "address": place or f"{community} {grid}",
        "lat": lat,
        "long": lon,
        "agency_responsible": body_name(t, body) if body else community,
        "expected_datetime": _end_of(due, tz),
        "mulin_state": state,
        "mulin_priority": priority,
        "mulin_grid": grid,
        "mulin_followers": followers,
        "mulin_resolved_datetime": _when(resolved, tz),
        "mulin_overdue": bool(overdue),
        "mulin_rated_fixed": fixed,
        "mulin_rated_partly": partly,
        "mulin_rated_not_fixed": not_fixed,
    }


def issues(
    path: Path, tz: ZoneInfo, catalogs: Catalogs, community: str | None
) -> list[dict[str, Any]]:
    t = catalogs.get(None)
    with _connect(path) as conn:
        rows = store.issue_rows(conn, _community_id(conn, community))
    return [_issue(row, tz, t) for row in rows]


def activities(path: Path, tz: ZoneInfo, community: str | None) -> list[dict[str, Any]]:
    with _connect(path) as conn:
        rows = store.activity_rows(conn, _community_id(conn, community))
    found = []
    for row in rows:
        record = dict(zip(ACTIVITY_FIELDS, row, strict=True))
        for key in ("start", "end", "deadline"):
            record[key] = _when(record[key], tz)
        found.append(record)
    return found


def render(records: list[dict[str, Any]], fields: tuple[str, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return out.getvalue()


def export(
    path: Path, what: str, fmt: str, community: str | None, tz: ZoneInfo, locale: str
) -> str:
    catalogs = Catalogs(locale, tz)
    if what == "issues":
        return render(issues(path, tz, catalogs, community), ISSUE_FIELDS, fmt)
    return render(activities(path, tz, community), ACTIVITY_FIELDS, fmt)
