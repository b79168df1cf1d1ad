"""The demo's scene of visits (接访进小区): 杨主任 announces a visit to 海景湾 with two issues on its
agenda; the reminders go to the group and privately to the reporters and followers; the visit
is held and minuted with /minutes (one issue closed, one kept). Wired into emulator/demo.py's
SCENES."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.visits.jobs import run_visit_reminders
from bot.visits.service import VisitService

if TYPE_CHECKING:
    from emulator.demo import Director


async def scene_visits(d: Director) -> None:
    """接访进小区: a visit announced with two issues, reminded, held, minuted."""
    services = d.app.bot_data
    group = next(c for c in d.chats.values() if c.type != "private")
    d.scene("接访进小区 · 党政领导走进小区  Scene · an on-site visit with its agenda")
    if "yangzr" not in d.people:
        d.person("yangzr", "杨主任", username="yang_zhuren")  # 西安村村委会主任
        await d.emu.send(d.people["yangzr"], group, "大家好")
        await d.emu.send(d.people["yangzr"], d.chats[d.people["yangzr"].id], "/start")
        await d.settle()
    await d.say("admin", group, "/grant community @yang_zhuren")
    await d.say("amei", group, "/report 海景湾二期没有停车棚，电动车只能停在楼道里")
    shed = re.search(r"#(\d+)", d.last(group).text or "")
    await d.press("bo", d.last(group), "🙋 我也遇到")
    await d.say("bo", group, "/report 停车场出入口与报恩路交汇，车速快，存在安全隐患")
    gate = re.search(r"#(\d+)", d.last(group).text or "")
    assert shed and gate, d.last(group).text
    agenda = f"#{shed.group(1)} #{gate.group(1)}"

    day = datetime.now(d.tz).date() + timedelta(days=3)
    start = datetime.combine(day, time(15, 0), tzinfo=d.tz)
    dm = d.chats[d.people["yangzr"].id]
    await d.say(
        "yangzr", dm, f"/visit {start:%Y-%m-%d %H:%M} | 海景湾党群活动中心 | {agenda} | 接访进小区"
    )
    await d.press("yangzr", d.last(dm), "📣 发布")
    await d.say("tom", group, "/meeting")

    eve = datetime.combine(day - timedelta(days=1), time(9, 0), tzinfo=d.tz)
    d.out(f"({eve:%Y-%m-%d %H:%M}: the day-before reminder, to the group and the neighbours)")
    await run_visit_reminders(services, eve)
    await d.settle()
    d.out(f"({start - timedelta(hours=1):%Y-%m-%d %H:%M}: an hour before)")
    await run_visit_reminders(services, start - timedelta(hours=1))
    await d.settle()

    held = start + timedelta(hours=2)
    d.out(f"({held:%Y-%m-%d %H:%M}: the visit was held; 杨主任 records what was agreed)")
    everyday = services.visits
    services.visits = VisitService(
        services.db, services.people, services.issues, services.settings.tz, clock=lambda: held
    )
    try:
        await d.say("yangzr", dm, "/minutes")
        visit = next(b.text for row in d.last(dm).buttons for b in row if b.text.startswith("🏘 V"))
        await d.press("yangzr", d.last(dm), visit)
        await d.press("yangzr", d.last(dm), "✅ 按议定方案办结")
        await d.say(
            "yangzr", dm, "在2期外围报恩路搭建停车棚并安装充电桩，年底前完工", reply_to=d.last(dm)
        )
        await d.press("yangzr", d.last(dm), "⏭ 下月再议")
    finally:
        services.visits = everyday
