"""`python -m emulator.demo` (`make demo`): the real bot against the local Bot API emulator, offline, on a temp
database, playing a scripted day in the life of Anhai's grid groups and printing the transcript.

The script (scenes, residents' words) is data for the show, like a test's input; everything the
bot says comes from the bot. Each capability adds its scene to SCENES.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import MulinApp
from bot.issues.jobs import run_followup
from bot.meetings.jobs import run_meeting_reminder
from bot.weekly.jobs import run_weekly
from bot.weekly.rules import next_monday
from emulator import Chat, Emulator, Message, User
from emulator.demo_notices import scene_notices
from emulator.demo_visits import scene_visits
from emulator.demo_votes import scene_votes
from emulator.demo_web import scene_web
from emulator.harness import World, scripted_world

TOKEN = "100200300:DEMO"
OUTPUT = Path("demo-output")  # pictures the bot sent (the /stats chart), next to the transcript
ADMIN_ID = 10001


@dataclass
class Director:
    """Plays the people in the harness's world and prints what everyone saw after each step."""

    world: World
    out: Callable[[str], None]
    printing: bool = True
    output: Path = OUTPUT
    failures: list[str] = field(default_factory=list)  # what the show found wrong (not API errors)
    chats: dict[int, Chat] = field(default_factory=dict)
    _seen: dict[int, dict[int, tuple[str | None, int]]] = field(default_factory=dict)

    @property
    def emu(self) -> Emulator:
        return self.world.emu

    @property
    def app(self) -> MulinApp:
        return self.world.running_app

    @property
    def people(self) -> dict[str, User]:
        return self.world.people

    @property
    def tz(self) -> ZoneInfo:
        return self.app.bot_data.settings.tz

    def person(
        self,
        key: str,
        name: str,
        *,
        username: str | None = None,
        lang: str = "zh-hans",
        user_id: int | None = None,
    ) -> User:
        """A resident, known to the script by a short key, whose private chat is shown."""
        user = self.world.person(name, key=key, username=username, lang=lang, user_id=user_id)
        self.chats[user.id] = self.emu.private_chat(user)
        return user

    def scene(self, title: str) -> None:
        self.out("")
        self.out(f"━━━━ {title} ━━━━")

    def _where(self, chat: Chat) -> str:
        if chat.type == "private":
            user = next((u for u in self.people.values() if u.id == chat.id), None)
            return f"私聊 private · {user.first_name if user else chat.id}"
        return chat.title or str(chat.id)

    async def settle(self) -> None:
        """Wait until the bot handled everything and its outbox is empty, then print news."""
        await self.world.settle()
        self._show_news()

    def _show_news(self) -> None:
        for chat in self.chats.values():
            seen = self._seen.setdefault(chat.id, {})
            for m in self.emu.bot_messages(chat):
                state = (m.text or m.caption, m.edits)
                if m.message_id not in seen:
                    self._print_bot(chat, m, edited=False)
                elif seen[m.message_id] != state:
                    self._print_bot(chat, m, edited=True)
                seen[m.message_id] = state

    def _print_bot(self, chat: Chat, m: Message, *, edited: bool) -> None:
        if not self.printing:
            return
        tag = "🤖 睦邻" + (" (edited)" if edited else "")
        body = (m.text or m.caption or "").splitlines()
        if m.document is not None:
            body.append(f"📎 {m.document.file_name}")
        if m.voice is not None:
            body.insert(0, f"🎤 (a voice note, {m.voice.duration or 0} s)")
        if m.venue is not None:
            body.append(f"📍 {m.venue.title} · {m.venue.address}")
        elif m.location is not None:
            body.append(f"📍 {m.location.latitude:.5f}, {m.location.longitude:.5f}")
        if m.photo is not None:
            OUTPUT.mkdir(exist_ok=True)
            saved = OUTPUT / f"photo-{chat.id}-{m.message_id}.png"
            saved.write_bytes(m.photo.data)
            body.append(f"🖼  picture saved to {saved}")
        body = body or [""]
        self.out(f"[{self._where(chat)}] {tag}: {body[0]}")
        pad = " " * 6
        for line in body[1:]:
            self.out(f"{pad}{line}")
        for row in m.buttons:
            self.out(pad + "  ".join(f"[ {b.text} ]" for b in row))

    async def say(
        self, who: str, chat: Chat, text: str, *, reply_to: Message | None = None
    ) -> None:
        user = self.people[who]
        self.chats.setdefault(chat.id, chat)
        note = " (reply)" if reply_to is not None else ""
        self.out(f"[{self._where(chat)}] {user.first_name}{note}: {text}")
        await self.emu.send(user, chat, text, reply_to=reply_to)
        await self.settle()

    async def voice(self, who: str, chat: Chat, seconds: int, caption: str | None = None) -> None:
        user = self.people[who]
        said = f": {caption}" if caption else ""
        self.out(f"[{self._where(chat)}] {user.first_name}: 🎤 (a voice note, {seconds} s){said}")
        await self.emu.send_voice(user, chat, duration=seconds, caption=caption)
        await self.settle()

    async def photos(self, who: str, chat: Chat, count: int, caption: str | None = None) -> None:
        """`count` photos from the resident's phone (one, or an album), the caption on the first."""
        user = self.people[who]
        said = f": {caption}" if caption else ""
        self.out(f"[{self._where(chat)}] {user.first_name}: 📷 ×{count}{said}")
        if count == 1:
            await self.emu.send_photo(user, chat, caption=caption)
        else:
            await self.emu.send_album(user, chat, count, caption=caption)
        await self.settle()

    def with_button(self, chat: Chat, label: str) -> Message:
        """The newest of the bot's messages in the chat that offers this button."""
        return next(
            m
            for m in reversed(self.emu.bot_messages(chat))
            if any(b.text == label for row in m.buttons for b in row)
        )

    async def press(self, who: str, message: Message, label: str) -> None:
        user = self.people[who]
        chat = self.chats[message.chat_id]
        self.out(f"[{self._where(chat)}] {user.first_name} presses [ {label} ]")
        answer = await self.emu.press(user, message, label)
        if answer.text:
            self.out(f"      💬 {answer.text}")
        await self.settle()

    async def new_group(self, title: str, creator: str) -> Chat:
        admin = self.people[creator]
        self.out(f"({admin.first_name} creates the group “{title}” and adds the bot)")
        chat = await self.world.group(title, admin=admin)
        self.chats[chat.id] = chat
        self._show_news()  # the group() above waited for the bot; its greeting, shown
        return chat

    def last(self, chat: Chat) -> Message:
        return self.emu.last_bot_message(chat)


async def scene_setup(d: Director) -> None:
    """Foundation: an admin registers a grid group and grants roles; residents ask for help."""
    d.person("admin", "镇管理员", username="anhai_admin", user_id=ADMIN_ID)
    d.person("yang", "杨春英", username="yang_wuye")  # 侨兴物业经理
    d.person("lin", "林网格员", username="lin_grid")
    d.person("chen", "陈书记", username="chen_xian")  # 西安村
    d.person("amei", "阿美", username="amei")
    d.person("tom", "Tom", username="tom_lee", lang="en")
    d.person("bo", "阿波", username="abo")

    d.scene("第一幕 · 登记网格群  Scene 1 · registering a grid group")
    group = await d.new_group("海景湾二期 · 第8网格群", "admin")
    await d.say("admin", group, "/setup 西安村 第8网格")
    for key in ("chen", "lin", "yang", "amei", "tom", "bo"):
        await d.emu.send(d.people[key], group, "大家好")
        await d.emu.send(d.people[key], d.chats[d.people[key].id], "/start")
    await d.settle()
    for key in ("chen", "lin", "yang", "amei", "tom", "bo"):  # the greetings are not the show
        d._seen.pop(d.people[key].id, None)
        for m in d.emu.bot_messages(d.chats[d.people[key].id]):
            d._seen.setdefault(d.people[key].id, {})[m.message_id] = (m.text or m.caption, m.edits)
    await d.say("admin", group, "/grant community @chen_xian")
    await d.say("chen", group, "/grant grid @lin_grid")
    await d.say("chen", group, "/grant property @yang_wuye")
    await d.say("amei", group, "/grant grid @amei")

    d.scene("第二幕 · 居民求助  Scene 2 · residents ask for help")
    await d.say("amei", d.chats[d.people["amei"].id], "/start")
    await d.press("amei", d.last(d.chats[d.people["amei"].id]), "❓ 帮助")
    await d.say("tom", d.chats[d.people["tom"].id], "/help")
    await d.say("tom", group, "/help")
    await d.say("lin", group, "/help")


async def scene_issues(d: Director) -> None:
    """Issues: a street light and EV charging climb the boards until they are solved."""
    group = next(c for c in d.chats.values() if c.type != "private")
    amei_dm = d.chats[d.people["amei"].id]
    d.scene("第三幕 · 居民说  Scene 3 · residents raise problems")
    await d.say("amei", group, "/report 停车场出入口的路灯不亮，晚上车和人都看不清，很危险")
    await d.say("amei", group, "/report 海景湾二期没有电动车充电桩，大家只能飞线充电")
    charging = d.last(group)
    await d.press("tom", charging, "🙋 我也遇到")
    await d.say("bo", group, "/report 海景湾二期没有电动车充电桩，只能飞线充电，太危险")
    await d.press("bo", d.last(group), "🙋 关注 #2")

    d.scene("第四幕 · 物业说  Scene 4 · property escalates")
    await d.say("yang", group, "/note 1 已报修，灯具明天到货")
    await d.say("yang", group, "/escalate 2 小区建设时没有规划充电场所，需要镇村协调场地")
    await d.say("amei", group, "/board")

    d.scene("第五幕 · 社区说  Scene 5 · the community solves one; the other waits for the meeting")
    await d.say("lin", group, "/close 1 已更换路灯，并在出入口加装减速带和爆闪灯")
    await d.press("amei", d.last(amei_dm), "👍 解决了")
    await d.say("amei", group, "/meeting")


async def scene_activities(d: Director) -> None:
    """Activities: the parent-child orienteering race is recruited across three grid groups."""
    d.scene("第六幕 · 邻里中心招募  Scene 6 · recruiting across groups")
    second = await d.new_group("海景湾三期 · 第9网格群", "admin")
    await d.say("admin", second, "/setup 西安村 第9网格")
    third = await d.new_group("侨城花园 · 第10网格群", "admin")
    await d.say("admin", third, "/setup 西安村 第10网格")
    first = next(c for c in d.chats.values() if c.type != "private")
    d.person("wang", "邻里中心小王", username="linli_wang")
    await d.emu.send(d.people["wang"], first, "大家好")
    await d.emu.send(d.people["wang"], d.chats[d.people["wang"].id], "/start")
    await d.settle()
    await d.say("chen", first, "/grant organizer @linli_wang")
    wang_dm = d.chats[d.people["wang"].id]
    start = (datetime.now(d.tz) + timedelta(days=3)).strftime("%Y-%m-%d")
    await d.say(
        "wang",
        wang_dm,
        f"/newactivity 亲子定向赛 | {start} 09:00-11:30 | 海景湾三期中心花园 | 40 | 3"
        " | 家长带孩子一起完成定向任务，终点有小礼品",
    )
    await d.press("wang", d.last(wang_dm), "📣 发布")

    d.scene("第七幕 · 报名与候补  Scene 7 · sign-ups and the waitlist")
    neighbours = [d.emu.add_user(f"邻居{i}") for i in range(12)]
    d.out("(12 neighbours sign up with their families, 3 people each: 36 of 40 seats)")
    d.printing = False
    for i, neighbour in enumerate(neighbours):
        card = d.last((first, second, third)[i % 3])
        await d.emu.press(neighbour, card, "报名 3人")
    await d.settle()
    d.printing = True
    await d.press("amei", d.last(first), "报名 3人")
    await d.press("tom", d.last(second), "报名 2人")
    await d.press("bo", d.last(third), "报名 1人")
    await d.say("amei", d.chats[d.people["amei"].id], "/cancel 1")
    await d.say("wang", wang_dm, "/roster 1")
    d.out("(a card changes at most once in 10 s however many press — MULIN_CARD_EDIT_SECONDS —")
    d.out(" so a group's 20 messages a minute stay for its people; the cards catch up)")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(d.app.bot_data.outbox.drained(), 20)
    await d.settle()


async def scene_meeting(d: Director) -> None:
    """The 15th: the meeting reminder carries the escalated EV-charging issue; /minutes closes it."""
    services = d.app.bot_data
    group = next(c for c in d.chats.values() if c.type != "private")
    grid = services.registry.chat_grid(group.id)
    assert grid is not None
    now = datetime.now(d.tz)
    month = now.year * 12 + now.month  # next month's 15th at 09:00, local time
    fifteenth = datetime(month // 12, month % 12 + 1, 15, 9, 0, tzinfo=d.tz)
    d.scene(
        f"第八幕 · 民情茶角  Scene 8 · the 15th ({fifteenth:%Y-%m-%d %H:%M}): the monthly meeting"
    )
    d.out("(the 09:00 job runs: the reminder goes to every group and to the subscribers)")
    d.printing = False
    await run_meeting_reminder(services, grid.community_id, fifteenth)
    await d.settle()
    d.printing = True
    reminder = d.last(group)
    d.out(f"[{group.title}] 🤖 睦邻: " + (reminder.text or "").replace("\n", "\n      "))
    chen_dm = d.chats[d.people["chen"].id]
    await d.say("chen", chen_dm, "/minutes")
    await d.press("chen", d.last(chen_dm), "✅ 按议定方案办结")
    await d.say(
        "chen",
        chen_dm,
        "在2期外围报恩路搭建雨棚并安装充电桩，增加60个停车位和充电口",
        reply_to=d.last(chen_dm),
    )
    await d.press("amei", d.last(d.chats[d.people["amei"].id]), "👍 解决了")


async def scene_directory_and_stats(d: Director) -> None:
    """The roster (names in the group, phones in private) and the month's figures with a chart."""
    group = next(c for c in d.chats.values() if c.type != "private")
    d.scene("第九幕 · 联系人与统计  Scene 9 · contacts and statistics")
    await d.say("lin", group, "/addcontact 楼栋长 陈阿姨 138 1234 5678 3号楼")
    await d.say("lin", group, "/addcontact 党员 林先生 0595-85123456 5号楼")
    await d.say("lin", group, "/addcontact 志愿者 小吴 13900001111")
    await d.say("amei", group, "/contacts")
    await d.say("yang", d.chats[d.people["yang"].id], "/contacts")
    await d.say("chen", group, "/stats")


async def scene_evidence(d: Director) -> None:
    """Evidence: an elderly resident reports by voice with two photos; the group sees them under
    the card; the grid worker closes the issue with an "after" photo."""
    group = next(c for c in d.chats.values() if c.type != "private")
    d.scene("第十幕 · 有图有声  Scene 10 · a voice note and photos reach the people who act")
    d.person("huang", "黄阿婆", username="huang_apo")
    await d.emu.send(d.people["huang"], group, "大家好")
    dm = d.chats[d.people["huang"].id]
    await d.say("huang", dm, "/report")  # she writes in the 第8网格 group: not asked where
    await d.press("huang", d.last(dm), "🧹 环境卫生")
    await d.voice("huang", dm, 8)  # she does not type: the description is her voice
    await d.say("huang", dm, "5号楼北侧垃圾分类点")
    await d.photos("huang", dm, 2)
    await d.press("huang", d.with_button(dm, "完成 ›"), "完成 ›")
    await d.press("huang", d.last(dm), "👤 显示我的名字")
    await d.press("huang", d.last(dm), "✅ 提交")
    found = re.search(r"#(\d+)", d.last(dm).text or "")
    assert found, d.last(dm).text
    await d.photos("lin", group, 1, f"/close {found.group(1)} 垃圾已清运，分类点已冲洗消毒")


async def scene_follow_through(d: Director) -> None:
    """Follow-through: a promise made, missed, flagged on Monday's account, kept; "Fixed?" asked
    of everyone affected."""
    services = d.app.bot_data
    group = next(c for c in d.chats.values() if c.type != "private")
    d.scene("第十一幕 · 承诺与公开上榜  Scene 11 · a promise made, missed, flagged, kept")
    await d.say("amei", group, "/report 小区北门一下雨就积水，老人孩子都过不去")
    found = re.search(r"#(\d+)", d.last(group).text or "")
    assert found, d.last(group).text
    n = found.group(1)
    await d.press("bo", d.last(group), "🙋 我也遇到")
    await d.say("lin", group, f"/assign {n} 物业 @yang_wuye")
    due = datetime.now(d.tz).date() + timedelta(days=1)
    yang_dm = d.chats[d.people["yang"].id]
    await d.say("yang", yang_dm, f"/promise {n} {due.isoformat()} 已联系施工队疏通排水管")
    morning = datetime.combine(due + timedelta(days=1), time(9, 0), tzinfo=d.tz)
    d.out(f"(the promised day passes: the 09:00 follow-up of {morning:%Y-%m-%d} runs)")
    await run_followup(services, morning)
    await d.settle()
    monday = next_monday(morning, d.tz)
    d.out(f"(Monday {monday:%Y-%m-%d} 09:00: the weekly account goes to every group)")
    d.printing = False
    await run_weekly(services, monday)
    await d.settle()
    d.printing = True
    account = d.last(group)
    d.out(f"[{group.title}] 🤖 睦邻: " + (account.text or "").replace("\n", "\n      "))
    later = monday.date() + timedelta(days=3)
    await d.say("yang", yang_dm, f"/promise {n} {later.isoformat()} 排水泵周四到货")
    await d.say("yang", yang_dm, f"/close {n} 已疏通北门排水管并加装排水泵")
    await d.press("amei", d.last(d.chats[d.people["amei"].id]), "👍 解决了")
    await d.press("bo", d.last(d.chats[d.people["bo"].id]), "🤏 部分解决")


SCENES: list[Callable[[Director], Awaitable[None]]] = [
    scene_setup,
    scene_issues,
    scene_activities,
    scene_meeting,
    scene_directory_and_stats,
    scene_evidence,
    scene_follow_through,
    scene_visits,
    scene_votes,
    scene_notices,
    scene_web,
]


async def play(out: Callable[[str], None]) -> int:
    async with scripted_world(
        token=TOKEN,
        bot_username="mulin_demo_bot",
        prefix="mulin-demo-",
        db_name="demo.sqlite3",
        admin_id=ADMIN_ID,
        env={"MULIN_TZ": os.environ.get("MULIN_TZ", "Asia/Shanghai")},
        start=False,
    ) as world:
        out("睦邻 Mulin — offline demo: the real bot against a local Bot API emulator")
        out(f"(emulator at {world.emu.api_url}; database {world.settings.db_path})")
        await world.start_bot()
        director = Director(world, out)
        for scene in SCENES:
            await scene(director)
        await world.stop_bot()
        if world.emu.errors:
            out(f"\n✗ the bot caused {len(world.emu.errors)} API errors: {world.emu.errors}")
            return 1
        if director.failures:
            out("\n✗ " + "\n✗ ".join(director.failures))
            return 1
        out("\n✓ demo finished: no API errors")
    return 0


def run_demo() -> int:
    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(play(lambda line: print(line, flush=True)))


if __name__ == "__main__":
    sys.exit(run_demo())
