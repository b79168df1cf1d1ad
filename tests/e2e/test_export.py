"""`python -m bot export`: Open311 field names for issues, activities with their counts."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import World
from tests.e2e.test_activities import publish, town
from tests.e2e.test_issues import grid8, report

ROOT = Path(__file__).resolve().parents[2]


def export(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MULIN_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "MULIN_DB": str(db)},
        timeout=60,
    )


async def test_issues_export_uses_open311_fields(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "3号楼门口路灯不亮")
    await report(world, g.bo, g.group, "地下车库积水严重")
    await report(world, g.bo, g.group, "东门外人行道被占道经营")
    await world.say(g.chen, g.group, "/body add 综合执法队")
    await world.say(g.lin, g.group, "/assign 3 综合执法队")
    await world.say(g.lin, g.group, "/promise 3 2099-12-31")  # refused: too far
    due = (datetime.now(world.settings.tz) + timedelta(days=20)).date()
    await world.say(g.lin, g.group, f"/promise 3 {due.isoformat()}")
    await world.say(g.lin, g.group, "/close 1 已更换灯泡")
    question = world.emu.last_bot_message(world.emu.private_chat(g.amei))
    await world.press(g.amei, question, "🤏 部分解决")
    await world.say(g.chen, g.group, "/reject 2 属于开发商责任")
    db = world.settings.db_path
    result = export(db, "issues", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["service_request_id"] for r in records] == ["1", "2", "3"]
    first = records[0]
    assert first["status"] == "closed" and first["status_notes"] == "已更换灯泡"
    assert first["service_code"] == "lighting" and first["service_name"] == "路灯照明"
    assert first["description"] == "3号楼门口路灯不亮"
    assert first["requested_datetime"].endswith("+08:00")
    assert first["address"] == "西安村 第8网格" and first["agency_responsible"] == "西安村"
    assert first["mulin_state"] == "resolved" and first["expected_datetime"] is None
    assert (first["mulin_rated_fixed"], first["mulin_rated_partly"]) == (0, 1)
    third = records[2]
    assert third["agency_responsible"] == "综合执法队" and third["mulin_overdue"] is False
    assert third["expected_datetime"] == f"{due.isoformat()}T23:59:59+08:00"
    assert (
        records[1]["status_notes"] == "属于开发商责任" and records[1]["mulin_state"] == "rejected"
    )

    as_csv = export(db, "issues", "--community", "西安村")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["service_request_id"] for r in rows] == ["1", "2", "3"]
    assert list(rows[0])[:3] == ["service_request_id", "status", "status_notes"]

    unknown = export(db, "issues", "--community", "火星村")
    assert unknown.returncode == 2 and "no community '火星村'" in unknown.stderr


async def test_activities_export(world: World) -> None:
    t = await town(world, residents=2)
    cards = await publish(world, t, capacity=2, party=3)
    await world.press(t.residents[0], cards[0], "报名 2人")
    await world.press(t.residents[1], cards[0], "报名 3人")
    result = export(world.settings.db_path, "activities", "--format", "json")
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["title"] == "亲子定向赛" and record["community"] == "西安村"
    assert (record["confirmed_people"], record["waitlisted_people"], record["signups"]) == (2, 3, 2)
    assert record["state"] == "published" and record["start"].endswith("+08:00")
