"""/stats end to end: a seeded month checked against figures computed by hand, the chart sent as a
photo where it was asked, and the refusals (residents, bad months, no community)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.db import ts, utcnow
from bot.issues.rules.states import Command
from bot.stats.service import Month
from emulator import Message
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8

SH = ZoneInfo("Asia/Shanghai")  # MULIN_TZ's default: the month is the local calendar month
PNG = b"\x89PNG\r\n\x1a\n"


def local(text: str) -> datetime:
    """'2025-03-01 00:30' in Shanghai time."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


async def seed(world: World, g: Grid8) -> None:
    """Issues and sign-ups of February and March 2025 in 西安村, with times at the edges.

    March 2025, by hand (Shanghai time):
      A lighting  grid 8  raised 03-01 00:30 (16:30 UTC the day before), closed 03-04, reopened,
                          closed again 03-08 12:30: resolved once, in 7.5 days
      B lighting  grid 8  raised 03-02 10:00, escalated 03-05, closed 03-12 10:00: 10.0 days
      C parking   grid 9  raised 03-03 09:00, rejected 03-03
      D parking   grid 9  raised 03-10 08:00, escalated by the follow-up job 03-24
      E noise     grid 8  raised 03-20 20:00, duplicate of D 03-21 (rejected)
      F sanitation grid 8 raised 03-31 23:30 (15:30 UTC): still March locally
      G lighting  grid 8  raised 02-10 09:00 (February), closed 03-01 09:00: 19.0 days
      H drainage  grid 9  raised 02-28 23:30 (February), escalated 03-02
    February 2025:
      I lighting  grid 8  raised 02-05 10:00, closed 02-07 10:00: 2.0 days
      J noise     grid 8  raised 02-14 10:00, rejected 02-15
      (G and H raised)
    Outside: K raised 04-01 00:10 (April); L raised in March in another community.

    March: raised 6 (A–F), resolved 3 (A, B, G), escalated 3 (B, D, H), rejected 2 (C, E),
    median days to resolve 10.0 (7.5, 10.0, 19.0).
    February: raised 4 (G, H, I, J), resolved 1 (I), escalated 0, rejected 1 (J), median 2.0.
    Sign-ups: March 2 (parties 2 and 3: 5 people; a third, cancelled, does not count; one in
    another community does not count); February 1 (1 person).

    Written straight to the tables, with the history actions the issue commands record, so that
    the figures depend on /stats alone and not on how the issue and activity features are built.
    """
    assert world.app is not None
    services = world.app.bot_data
    storage = services.registry
    grid_8 = storage.chat_grid(g.group.id)
    assert grid_8 is not None
    admin = world.superadmin().id
    grid_9 = (await storage.register_chat(-100909, "西安村", "第9网格", admin)).grid
    other = (await storage.register_chat(-100910, "鸿塔社区", "第1网格", admin)).grid
    home = grid_8.community_id
    reporters = [g.amei, g.bo, g.chen]
    issues: list[tuple[str, int, int, int, str]] = [  # key, community, grid, reporter, raised
        ("I", home, grid_8.id, 0, "2025-02-05 10:00"),
        ("G", home, grid_8.id, 1, "2025-02-10 09:00"),
        ("J", home, grid_8.id, 2, "2025-02-14 10:00"),
        ("H", home, grid_9.id, 0, "2025-02-28 23:30"),
        ("A", home, grid_8.id, 1, "2025-03-01 00:30"),
        ("B", home, grid_8.id, 2, "2025-03-02 10:00"),
        ("C", home, grid_9.id, 0, "2025-03-03 09:00"),
        ("L", other.community_id, other.id, 1, "2025-03-05 10:00"),
        ("D", home, grid_9.id, 2, "2025-03-10 08:00"),
        ("E", home, grid_8.id, 0, "2025-03-20 20:00"),
        ("F", home, grid_8.id, 1, "2025-03-31 23:30"),
        ("K", home, grid_8.id, 2, "2025-04-01 00:10"),
    ]
    categories = {"A": "lighting", "B": "lighting", "C": "parking", "D": "parking", "E": "noise",
                  "F": "sanitation", "G": "lighting", "H": "drainage", "I": "lighting",
                  "J": "noise", "K": "other", "L": "lighting"}  # fmt: skip
    actions = [  # key, history action (as the issue commands record it), at
        ("I", "close", "2025-02-07 10:00"),
        ("J", "reject", "2025-02-15 10:00"),
        ("G", "close", "2025-03-01 09:00"),
        ("H", "escalate", "2025-03-02 11:00"),
        ("C", "reject", "2025-03-03 18:00"),
        ("A", "close", "2025-03-04 12:30"),
        ("B", "escalate", "2025-03-05 10:00"),
        ("A", "reopen", "2025-03-06 09:00"),
        ("A", "close", "2025-03-08 12:30"),
        ("B", "close", "2025-03-12 10:00"),
        ("E", "dup", "2025-03-21 10:00"),
        ("D", "auto_escalate", "2025-03-24 08:00"),
    ]

    assert {action for _, action, _ in actions} <= {c.value for c in Command}

    def write(conn: sqlite3.Connection) -> None:
        numbers: dict[str, tuple[int, int]] = {}  # key → issue id, community
        for key, community, grid_id, who, at in issues:
            (number,) = conn.execute(
                "INSERT INTO issues (community_id, grid_id, reporter_id, text, category,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (community, grid_id, reporters[who].id, f"问题 {key}", categories[key],
                 ts(local(at)), ts(local(at))),
            ).fetchone()  # fmt: skip
            numbers[key] = (number, community)
            history(conn, number, community, "report", at, reporters[who].id)
        for key, action, at in actions:
            number, community = numbers[key]
            actor = None if action == "auto_escalate" else g.lin.id
            history(conn, number, community, action, at, actor)
        rate(conn, numbers, g)
        ours, theirs = activity(conn, home, admin), activity(conn, other.community_id, admin)
        for who, party, at, aid, status in (
            (g.amei, 1, "2025-02-20 10:00", ours, "confirmed"),
            (g.bo, 2, "2025-03-05 10:00", ours, "confirmed"),
            (g.chen, 3, "2025-03-06 10:00", ours, "confirmed"),
            (g.yang, 1, "2025-03-07 10:00", ours, "cancelled"),  # cancelled 03-08
            (g.amei, 2, "2025-03-07 10:00", theirs, "confirmed"),
        ):
            conn.execute(
                "INSERT INTO signups (activity_id, user_id, party, status, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (aid, who.id, party, status, ts(local(at)), ts(local(at))),
            )

    await services.db.transaction(write)


def rate(conn: sqlite3.Connection, numbers: dict[str, tuple[int, int]], g: Grid8) -> None:
    """Owners and answers to "Fixed?". March, by hand: grid 8 has 3👍 1🤏 1👎 (60 %: A by 阿美,
    波 and 陈, B by 陈, G by 阿美); by body, 物业 (A) 2👍 1🤏 0👎 (67 %), 综合执法队 (B)
    0👍 0🤏 1👎 (0 %). I's answer (February) and B's by 阿波 (April) are other months'."""
    for key, body in (("A", "property"), ("B", "综合执法队")):
        conn.execute("UPDATE issues SET body = ? WHERE id = ?", (body, numbers[key][0]))
    for key, who, answer, at in (
        ("A", g.amei, "fixed", "2025-03-09 10:00"),
        ("A", g.bo, "partly", "2025-03-09 11:00"),
        ("A", g.chen, "fixed", "2025-03-10 10:00"),
        ("B", g.chen, "not_fixed", "2025-03-13 10:00"),
        ("G", g.amei, "fixed", "2025-03-02 10:00"),
        ("I", g.amei, "fixed", "2025-02-08 10:00"),
        ("B", g.bo, "fixed", "2025-04-01 00:10"),
    ):
        conn.execute(
            "INSERT INTO issue_ratings (issue_id, user_id, answer, resolved_at, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (numbers[key][0], who.id, answer, ts(local(at)), ts(local(at))),
        )


def history(
    conn: sqlite3.Connection, issue: int, community: int, action: str, at: str, actor: int | None
) -> None:
    conn.execute(
        "INSERT INTO issue_history (issue_id, community_id, at, actor_id, action, note)"
        " VALUES (?, ?, ?, ?, ?, '说明')",
        (issue, community, ts(local(at)), actor, action),
    )


def activity(conn: sqlite3.Connection, community: int, by: int) -> int:
    """A published activity of April 2025, created in February."""
    (number,) = conn.execute(
        "INSERT INTO activities (community_id, title, starts_at, place, capacity, max_party,"
        " deadline, state, created_by, created_at, published_at)"
        " VALUES (?, '亲子手工', ?, '党群活动中心', 30, 3, ?, 'published', ?, ?, ?) RETURNING id",
        (community, ts(local("2025-04-20 09:00")), ts(local("2025-04-20 09:00")), by,
         ts(local("2025-02-01 09:00")), ts(local("2025-02-01 09:00"))),
    ).fetchone()  # fmt: skip
    return int(number)


EXPECTED_ZH = """\
📊 西安村 · 2025年3月 统计
括号内为与2025年2月相比的变化。

📥 新增问题：6（+2）
✅ 已解决：3（+2）
⬆️ 已上报：3（+3）
🚫 已驳回：2（+1）
⏱ 解决用时中位数：10.0 天（+8.0）
🙋 活动报名：2（+1）
👥 报名人数：5（+4）

按类别 · 新增 / 解决 / 上报 / 驳回
🔌 停车充电：2（+2） / 0（±0） / 1（+1） / 1（+1）
💡 路灯照明：2（±0） / 3（+2） / 1（+1） / 0（±0）
🚰 排水管网：0（−1） / 0（±0） / 1（+1） / 0（±0）
🧹 环境卫生：1（+1） / 0（±0） / 0（±0） / 0（±0）
🔊 噪音：1（±0） / 0（±0） / 0（±0） / 1（±0）

按网格 · 新增 / 解决 / 上报 / 驳回
第8网格：4（+1） / 3（+2） / 1（+1） / 1（±0）
第9网格：2（+1） / 0（±0） / 2（+2） / 1（+1）

解决了吗？ · 本月评价中 👍 的比例
第8网格：60% 👍 · 3👍 1🤏 1👎
物业：67% 👍 · 2👍 1🤏 0👎
综合执法队：0% 👍 · 0👍 0🤏 1👎"""


def assert_chart(message: Message) -> bytes:
    assert message.photo is not None, message.text
    data = message.photo.data
    assert data.startswith(PNG)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 600 <= width <= 2000 and 600 <= height <= 3000  # a readable picture, within limits
    return data


async def test_stats_of_a_seeded_month_in_the_group(world: World) -> None:
    g = await grid8(world)
    await seed(world, g)
    replies = await world.say(g.chen, g.group, "/stats 2025-03")
    assert len(replies) == 2, [m.text for m in replies]
    text, photo = replies
    assert text.text == EXPECTED_ZH
    assert "<b>按类别</b>" in (text.html or "")
    assert photo is world.emu.bot_messages(g.group)[-1]  # the chart comes after the text
    assert_chart(photo)
    assert photo.caption == "📊 西安村 · 2025年3月"
    assert photo.reply_to_message_id == text.reply_to_message_id  # both answer the command

    # February against January: the change is against an empty month
    feb = (await world.say(g.lin, g.group, "/stats 2025-2"))[0].text or ""
    assert "📥 新增问题：4（+4）" in feb and "✅ 已解决：1（+1）" in feb
    assert "⏱ 解决用时中位数：2.0 天" in feb.splitlines()  # nothing to compare with in January
    assert "👥 报名人数：1（+1）" in feb and "🚫 已驳回：1（+1）" in feb


async def test_stats_in_private_and_in_english(world: World) -> None:
    g = await grid8(world)
    await seed(world, g)
    # property staff of one community: /stats in private is about that community
    mine = await world.say(g.yang, world.emu.private_chat(g.yang), "/stats 2025-03")
    assert mine[0].text == EXPECTED_ZH
    assert_chart(mine[1])
    # a superadmin (two communities now) names the community, before or after the month
    admin = world.superadmin()
    named = await world.say(admin, world.emu.private_chat(admin), "/stats 鸿塔社区 2025-03")
    lines = (named[0].text or "").splitlines()
    assert lines[0] == "📊 鸿塔社区 · 2025年3月 统计"
    assert "📥 新增问题：1（+1）" in lines and "🙋 活动报名：1（+1）" in lines
    assert "👥 报名人数：2（+2）" in lines and "⏱ 解决用时中位数：本月无已解决问题" in lines
    assert_chart(named[1])

    english = world.person("Grace", username="grace_grid", lang="en")
    await world.emu.send(english, g.group, "hello")
    await world.say(world.superadmin(), g.group, "/grant grid @grace_grid")
    replies = await world.say(english, world.emu.private_chat(english), "/stats 2025-03")
    lines = (replies[0].text or "").splitlines()
    assert lines[0] == "📊 Statistics · 西安村 · March 2025"
    assert lines[1] == "In brackets: the change against February 2025."
    assert "📥 Issues raised: 6 (+2)" in lines
    assert "⏱ Median time to resolve: 10.0 days (+8.0)" in lines
    assert "💡 Lighting: 2 (±0) / 3 (+2) / 1 (+1) / 0 (±0)" in lines
    assert "Property: 67% 👍 · 2👍 1🤏 0👎" in lines
    assert replies[1].caption == "📊 西安村 · March 2025"
    assert_chart(replies[1])


async def test_stats_without_an_argument_is_this_month(world: World) -> None:
    g = await grid8(world)
    await world.say(g.amei, g.group, "/report 3号楼路灯不亮")
    replies = await world.say(g.lin, g.group, "/stats")
    now = utcnow().astimezone(SH)
    month = Month(now.year, now.month)
    assert (replies[0].text or "").startswith(f"📊 西安村 · {now.year}年{now.month}月 统计")
    assert "📥 新增问题：1（+1）" in (replies[0].text or "")
    assert f"括号内为与{month.previous.year}年{month.previous.month}月相比的变化。" in (
        replies[0].text or ""
    )
    assert_chart(replies[1])


async def test_stats_refusals(world: World) -> None:
    g = await grid8(world)
    refused = await world.say_one(g.amei, g.group, "/stats")
    assert refused.text == "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"
    refused = await world.say_one(g.amei, g.group, "/stats 2025-03")
    assert refused.text == "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"

    for bad in ("2025-13", "abc", "2025-03 2025-04"):
        answer = await world.say_one(g.chen, g.group, f"/stats {bad}")
        assert (answer.text or "").startswith(f"⚠️ “{bad}”不是月份"), answer.text
        assert "请这样写：/stats 2026-03" in (answer.text or "")
    now = utcnow().astimezone(SH)
    coming = Month(now.year, now.month).next
    answer = await world.say_one(g.chen, g.group, f"/stats {coming}")
    assert answer.text == (
        f"⚠️ {coming.year}年{coming.month}月还没有开始。\n请这样写：/stats 2026-03"
    )
    answer = await world.say_one(g.chen, g.group, "/stats 2999-01")
    assert (answer.text or "").startswith("⚠️ 2999年1月还没有开始。")

    # in private, a resident holds no role anywhere: refused, even naming the community
    private = world.emu.private_chat(g.amei)
    answer = await world.say_one(g.amei, private, "/stats")
    assert answer.text == "⛔ 统计只对网格员、物业和社区干部开放。"
    answer = await world.say_one(g.amei, private, "/stats 西安村")
    assert answer.text == "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"

    # a superadmin with several communities must name one
    admin = world.superadmin()
    assert world.app is not None
    await world.app.bot_data.registry.register_chat(-100910, "鸿塔社区", "第1网格", admin.id)
    answer = await world.say_one(admin, world.emu.private_chat(admin), "/stats 2025-03")
    assert answer.text == (
        "⚠️ 哪个社区？请加上社区名：西安村、鸿塔社区之一。\n请这样写：/stats 2026-03 西安村"
    )

    # an unregistered group
    loose = await world.group("没登记的群", admin=g.chen)
    answer = await world.say_one(g.chen, loose, "/stats")
    assert "还没有登记" in (answer.text or "")
    assert not any(m.photo for m in world.emu.bot_messages(g.group))
