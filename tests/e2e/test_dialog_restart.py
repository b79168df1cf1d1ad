"""Guided dialogs survive a restart (SPEC "Limits and bad input"): the next answer after a
restart continues the dialog at the step it had reached — after a clean restart, and after a
SIGKILL of the real `python -m bot run` right after the bot asked its question."""

from __future__ import annotations

import signal
from pathlib import Path

from emulator import Emulator
from emulator.harness import SUPERADMIN_ID
from tests.conftest import World
from tests.e2e.test_crash import bot_process
from tests.e2e.test_issues import grid8


async def test_a_report_dialog_continues_after_a_restart(world: World) -> None:
    g = await grid8(world)
    dm = world.emu.private_chat(g.bo)
    step = await world.say_one(g.bo, dm, "/report")
    await world.press(g.bo, step, "🔊 噪音")
    await world.say(g.bo, dm, "楼上每天夜里12点还在装修")
    await world.restart_bot()
    place = await world.say_one(g.bo, dm, "7号楼1单元")  # the place step, as before the restart
    assert "要加照片吗" in (place.text or "")
    await world.press(g.bo, place, "完成 ›")
    await world.press(g.bo, world.emu.last_bot_message(dm), "👤 显示我的名字")
    preview = world.emu.last_bot_message(dm)
    assert "楼上每天夜里12点还在装修" in (preview.text or "") and "7号楼1单元" in (
        preview.text or ""
    )
    await world.press(g.bo, preview, "✅ 提交")
    assert "已提交，编号 #1" in (world.emu.last_bot_message(dm).text or "")


async def test_an_activity_dialog_continues_after_a_restart(world: World) -> None:
    g = await grid8(world)
    await world.say(world.superadmin(), g.group, "/grant organizer @amei")
    dm = world.emu.private_chat(g.amei)
    asked = await world.say_one(g.amei, dm, "/newactivity")
    assert "名称" in (asked.text or "") or "叫什么" in (asked.text or ""), asked.text
    await world.restart_bot()
    answer = await world.say_one(g.amei, dm, "亲子定向赛")
    assert "什么时间" in (answer.text or ""), answer.text  # the next step: when


async def test_a_report_dialog_continues_after_sigkill(emu: Emulator, tmp_path: Path) -> None:
    db = tmp_path / "dialog.sqlite3"
    admin = emu.add_user("镇管理员", user_id=SUPERADMIN_ID)
    bo = emu.add_user("阿波", username="abo")
    group = emu.add_group("海景湾二期", creator=admin)
    dm = emu.private_chat(bo)
    async with bot_process(emu, db) as proc:
        await emu.add_bot(group, by=admin)
        await emu.send(admin, group, "/setup 西安村 第8网格")
        await emu.wait_for(lambda: len(emu.bot_messages(group)) == 2, timeout=10)
        await emu.send(bo, dm, "/report")
        await emu.wait_for(lambda: len(emu.bot_messages(dm)) == 1, timeout=10)
        assert "哪一类" in (emu.last_bot_message(dm).text or "")
        await emu.press(bo, emu.last_bot_message(dm), "🔊 噪音")
        await emu.wait_for(lambda: "描述问题" in (emu.last_bot_message(dm).text or ""), timeout=10)
        await emu.wait_idle(quiet=0.3)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    async with bot_process(emu, db):
        await emu.send(bo, dm, "楼上每天夜里12点还在装修")
        await emu.wait_for(lambda: "在哪里" in (emu.last_bot_message(dm).text or ""), timeout=15)


async def test_the_guided_report_asks_only_where_the_bot_does_not_know(world: World) -> None:
    """A resident who writes in one grid's group is not asked for the community and grid; one
    the bot has never seen in a group is."""
    g = await grid8(world)
    await world.registered_group("海景湾三期 · 第9网格群", "西安村", "第9网格")
    first = await world.say_one(g.bo, world.emu.private_chat(g.bo), "/report")
    assert "哪一类问题" in (first.text or "")  # 阿波 writes in the 第8网格 group
    stranger = world.person("新来的", username="newcomer")
    asked = await world.say_one(stranger, world.emu.private_chat(stranger), "/report")
    assert "哪个网格" in (asked.text or ""), asked.text  # one community: not asked which
    await world.registered_group("鸿塔小区 · 第1网格群", "鸿塔社区", "第1网格")
    other = world.person("又来的", username="another")
    asked = await world.say_one(other, world.emu.private_chat(other), "/report")
    assert "哪个社区" in (asked.text or ""), asked.text
