"""`python -m bot export issues|activities --format csv|json [--community X]`, for administrators.

Issues use the Open311 GeoReport v2 field names where they apply (service_request_id, status,
status_notes, service_name, service_code, description, requested_datetime, updated_datetime,
address, lat, long, agency_responsible), so a city system can take them; Mulin's own fields
follow with a `mulin_` prefix. Times are ISO 8601 in MULIN_TZ. It reads the database file
read-only, so it may run beside the bot.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import Catalogs
from bot.issues.views import category_name

ISSUE_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "requested_datetime", "updated_datetime", "address", "lat", "long",
    "agency_responsible", "mulin_state", "mulin_priority", "mulin_grid", "mulin_followers",
    "mulin_resolved_datetime",
)  # fmt: skip
ACTIVITY_FIELDS = (
    "id", "community", "title", "description", "start", "end", "place", "capacity",
    "max_party", "deadline", "state", "confirmed_people", "waitlisted_people", "signups",
)  # fmt: skip


class ExportError(Exception):
    """Something the administrator must correct (message says what)."""


def _when(text: str | None, tz: ZoneInfo) -> str | None:
    return datetime.fromisoformat(text).astimezone(tz).isoformat() if text else None


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise ExportError(f"no database at {path} (MULIN_DB)")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _community_id(conn: sqlite3.Connection, name: str | None) -> int | None:
    if name is None:
        return None
    row = conn.execute("SELECT id FROM communities WHERE name = ?", (name,)).fetchone()
    if row is None:
        known = ", ".join(r[0] for r in conn.execute("SELECT name FROM communities ORDER BY name"))
        raise ExportError(f"no community {name!r}; known: {known or 'none'}")
    return int(row[0])


def issues(
    path: Path, tz: ZoneInfo, catalogs: Catalogs, community: str | None
) -> list[dict[str, Any]]:
    t = catalogs.get(None)
    with _connect(path) as conn:
        cid = _community_id(conn, community)
        rows = conn.execute(
            "SELECT i.id, i.state, i.solution, i.reason, i.category, i.text, i.created_at,"
            " i.updated_at, i.location_text, i.latitude, i.longitude, c.name, i.priority, g.name,"
            " (SELECT count(*) FROM issue_followers f WHERE f.issue_id = i.id), i.resolved_at"
            " FROM issues i JOIN communities c ON c.id = i.community_id"
            " JOIN grids g ON g.id = i.grid_id"
            " WHERE ? IS NULL OR i.community_id = ? ORDER BY i.id",
            (cid, cid),
        ).fetchall()
    found = []
    for (
        iid,
        state,
        solution,
        reason,
        category,
        text,
        created,
        updated,
        place,
        lat,
        lon,
        community_name,
        priority,
        grid,
        followers,
        resolved,
    ) in rows:
        found.append(
            {
                "service_request_id": str(iid),
                "status": "open" if state in ("open", "escalated") else "closed",
                "status_notes": solution
                if state == "resolved"
                else reason
                if state == "rejected"
                else None,
                "service_name": re.sub(r"^\W+\s*", "", category_name(t, category)),
                "service_code": category,
                "description": text,
                "requested_datetime": _when(created, tz),
                "updated_datetime": _when(updated, tz),
                "address": place or f"{community_name} {grid}",
                "lat": lat,
                "long": lon,
                "agency_responsible": community_name,
                "mulin_state": state,
                "mulin_priority": priority,
                "mulin_grid": grid,
                "mulin_followers": followers,
                "mulin_resolved_datetime": _when(resolved, tz),
            }
        )
    return found


def activities(path: Path, tz: ZoneInfo, community: str | None) -> list[dict[str, Any]]:
    with _connect(path) as conn:
        cid = _community_id(conn, community)
        rows = conn.execute(
            "SELECT a.id, c.name, a.title, a.description, a.starts_at, a.ends_at, a.place,"
            " a.capacity, a.max_party, a.deadline, a.state,"
            " coalesce((SELECT sum(party) FROM signups s WHERE s.activity_id = a.id"
            "  AND s.status = 'confirmed'), 0),"
            " coalesce((SELECT sum(party) FROM signups s WHERE s.activity_id = a.id"
            "  AND s.status = 'waitlisted'), 0),"
            " (SELECT count(*) FROM signups s WHERE s.activity_id = a.id"
            "  AND s.status != 'cancelled')"
            " FROM activities a JOIN communities c ON c.id = a.community_id"
            " WHERE ? IS NULL OR a.community_id = ? ORDER BY a.id",
            (cid, cid),
        ).fetchall()
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
