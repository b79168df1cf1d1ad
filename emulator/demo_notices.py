"""The demo's public-notice scene (公示): the owners' committee preparatory group's candidate
list is posted for five days; a resident objects privately; the officials get it at once; at the
close every group learns that one objection came in — and nobody is named.

Wired into emulator/demo.py's SCENES after the scenes that create its people (it creates any it
does not find, so it also plays on its own after scene_setup).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.db import utcnow
from bot.notices.jobs import run_notice_close

if TYPE_CHECKING:
    from emulator.demo import Director

CANDIDATES = (
    "/notice 5 业主委员会筹备组成员名单公示\n"
    "佳和大厦业委会筹备组成员：许惠莲（召集人）、朱炳兴、陈建国、王丽华、林志强。\n"
    "公示期 5 天，对名单有异议的业主请在公示期内提出。"
)
OBJECTION = "林志强去年已把房子卖了，现在不是本小区业主，不符合筹备组成员条件，请核实。"


async def _joined(d: Director, key: str, name: str, username: str) -> None:
    """A person of the scene, met in the grid group and with the bot started in private."""
    if key in d.people:
        return
    group = next(c for c in d.chats.values() if c.type != "private")
    user = d.person(key, name, username=username)
    d.printing = False
    await d.emu.send(user, group, "大家好")
    await d.emu.send(user, d.chats[user.id], "/start")
    await d.settle()
    d.printing = True


async def scene_notices(d: Director) -> None:
    """公示: 杨主任 posts the candidate list for 5 days; 黄阿婆 objects privately; the officials
    read it with her name; at the close the groups learn the count, never her name."""
    group = next(c for c in d.chats.values() if c.type != "private")
    await _joined(d, "yangzr", "杨主任", "yang_zhuren")
    await _joined(d, "huang", "黄阿婆", "huang_apo")
    d.scene("第十二幕 · 公示  Scene 12 · a public notice with an objection window")
    await d.say("admin", group, "/grant community @yang_zhuren")
    await d.say("yangzr", group, CANDIDATES)
    posted = utcnow()
    card = d.with_button(group, "✋ 提出异议")
    url = card.button("✋ 提出异议").url or ""
    payload = url.split("?start=", 1)[1]
    d.out("(黄阿婆 presses [ ✋ 提出异议 ]: Telegram opens her private chat with the bot)")
    huang_dm = d.chats[d.people["huang"].id]
    await d.say("huang", huang_dm, f"/start {payload}")
    await d.say("huang", huang_dm, OBJECTION)
    await d.say("amei", group, "/notices")
    closes = posted + timedelta(days=5, minutes=1)
    d.out("(five days later: the objection window closes; the job runs every minute)")
    await run_notice_close(d.app.bot_data, closes)
    await d.settle()
    yang_dm = d.chats[d.people["yangzr"].id]
    await d.say("yangzr", yang_dm, f"/objections G{payload.removeprefix('object_')}")
