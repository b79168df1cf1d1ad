"""The three boards end to end: report, follow, escalate, resolve, confirm, and the follow-up jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

import pytest

from bot.core.db import utcnow
from bot.core.origin import Origin
from bot.issues.jobs import run_followup
from bot.issues.rules.categories import suggest
from bot.issues.service import IssueReported, NewIssue
from emulator import Chat, Message, User
from tests.conftest import World


@dataclass
class Grid8:
    group: Chat
    amei: User  # resident, reporter
    bo: User  # neighbour
    lin: User  # grid worker
    yang: User  # property
    chen: User  # community official


async def grid8(world: World, *, start_privately: bool = True) -> Grid8:
    admin = world.superadmin()
    group = await world.registered_group("海景湾二期 · 第8网格群", "西安村", "第8网格")
    people = {
        "amei": world.person("阿美", username="amei"),
        "bo": world.person("阿波", username="abo"),
        "lin": world.person("林网格员", username="lin_grid"),
        "yang": world.person("杨春英", username="yang_wuye"),
        "chen": world.person("陈书记", username="chen_xian"),
    }
    for user in people.values():
        await world.emu.send(user, group, "大家好")
        if start_privately:
            await world.emu.send(user, world.emu.private_chat(user), "/start")
    await world.settle()
    await world.say(admin, group, "/grant grid @lin_grid")
    await world.say(admin, group, "/grant property @yang_wuye")
    await world.say(admin, group, "/grant community @chen_xian")
    return Grid8(group, **people)


async def report(world: World, who: User, chat: Chat, text: str) -> Message:
    """Report in a group and return the card the bot posted in answer."""
    replies = await world.say(who, chat, f"/report {text}")
    cards = [m for m in replies if (m.text or "").startswith("#")]
    assert len(cards) == 1, [m.text for m in replies]
    return cards[0]


def morning(after: datetime, days: int) -> datetime:
    """The follow-up's run on the `days`-th day after `after` (the moment the test's issues were
    last changed), chosen half a day into that day's span: `morning(t, 7)` is 6½ days after t and
    `morning(t, 8)` is 7½ days after — whatever the hour the test runs at (it used to be 09:30 of
    the 7th calendar day, which is more than 7 × 24 h after a report made before 09:30)."""
    return after + timedelta(days=days - 1, hours=12)


def later_that_day(moment: datetime, tz: tzinfo) -> datetime:
    """A second run on the same local day (a restart): 23:59 of that day, or `moment` itself."""
    local = moment.astimezone(tz)
    return max(moment, datetime.combine(local.date(), time(23, 59), tz))


def private_texts(world: World, user: User) -> list[str]:
    return [m.text or "" for m in world.emu.bot_messages(world.emu.private_chat(user))]


async def test_a_report_in_a_group_gets_a_card_with_buttons(world: World) -> None:
    g = await grid8(world)
    sent = await world.emu.send(g.amei, g.group, "/report 3号楼门口路灯不亮，晚上很黑")
    await world.settle()
    card = world.emu.last_bot_message(g.group)
    assert card.reply_to_message_id == sent.message_id
    lines = (card.text or "").splitlines()
    assert lines[0] == "#1 居民说 · 待处理"
    assert lines[1] == "💡 路灯照明 · 小事"
    assert "3号楼门口路灯不亮，晚上很黑" in lines
    assert "👤 阿美" in lines
    assert "阿美 反映了问题" in (card.text or "")
    assert card.labels() == ["🙋 我也遇到", "⬆️ 上报", "✅ 办结", "🚫 驳回"]
    shown = await world.say_one(g.bo, g.group, "/issue 1")
    assert (shown.text or "").startswith("#1 居民说 · 待处理")


async def test_the_whole_life_of_an_issue(world: World) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "海景湾二期没有电动车充电桩，大家只能飞线充电")
    assert "🔌 停车充电" in (card.text or "")

    answer = await world.press(g.bo, card, "🙋 我也遇到")
    assert answer.text == "谢谢，您已关注 #1。"
    card = world.emu.message(g.group, card.message_id)
    assert "🙋 1 位邻居也遇到" in (card.text or "") and "🙋 我也遇到 (1)" in card.labels()
    again = await world.press(g.bo, card, "🙋 我也遇到 (1)")
    assert again.text == "您已经关注了 #1。"
    own = await world.press(g.amei, card, "🙋 我也遇到 (1)")
    assert own.text == "这是您自己反映的问题，每一步都会通知您。"

    posts = await world.say(g.yang, g.group, "/escalate 1 需要社区协调场地")
    assert len(posts) == 1 and posts[0].reply_to_message_id == card.message_id
    assert (posts[0].text or "").startswith("#1 物业说 · 已上报")
    assert "杨春英 上报到社区" in (posts[0].text or "")
    card = world.emu.message(g.group, card.message_id)
    assert (card.text or "").startswith("#1 物业说 · 已上报")
    assert card.labels() == ["🙋 我也遇到 (1)", "✅ 办结", "🚫 驳回"]
    # reporter and follower heard of it privately; the actor did not
    assert any("杨春英 上报到社区" in t for t in private_texts(world, g.amei))
    assert any("杨春英 上报到社区" in t for t in private_texts(world, g.bo))
    assert not any("上报到社区" in t for t in private_texts(world, g.yang))

    # property may no longer close it once escalated; the grid worker may
    refused = await world.say_one(g.yang, g.group, "/close 1 已解决")
    assert "已上报的问题只有网格员和社区干部可以办结" in (refused.text or "")
    posts = await world.say(g.lin, g.group, "/close 1 报恩路搭建雨棚并安装60个充电桩")
    assert (posts[0].text or "").startswith("#1 社区说 · 已解决")
    card = world.emu.message(g.group, card.message_id)
    assert "✅ 解决方案：报恩路搭建雨棚并安装60个充电桩" in (card.text or "")
    assert card.labels() == ["↩️ 重新打开"]

    question = world.emu.last_bot_message(world.emu.private_chat(g.amei))
    assert "真的解决了吗" in (question.text or "")
    assert question.labels() == ["👍 解决了", "🤏 部分解决", "👎 没解决"]
    answer = await world.press(g.amei, question, "👍 解决了")
    assert answer.text == "谢谢！很高兴问题解决了。"
    marked = world.emu.message(question.chat_id, question.message_id).labels()
    assert marked == ["✓ 👍 解决了", "🤏 部分解决", "👎 没解决"]  # changeable, the choice shown
    history = await world.say_one(g.bo, g.group, "/issue 1")
    assert "反映人确认已解决" in (history.text or "")


async def test_not_fixed_reopens_the_issue(world: World) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "5号楼下水道堵了，污水漫出来")
    await world.say(g.lin, g.group, "/close 1 已疏通")
    question = world.emu.last_bot_message(world.emu.private_chat(g.amei))
    answer = await world.press(g.amei, question, "👎 没解决")
    assert answer.show_alert and "#1 已重新打开" in (answer.text or "")
    card = world.emu.message(g.group, card.message_id)
    assert (card.text or "").startswith("#1 居民说 · 待处理")
    assert "反映人说没解决：重新打开" in (card.text or "")
    late = (
        await world.press(
            g.amei, world.emu.message(question.chat_id, question.message_id), "👎 没解决"
        )
        if world.emu.message(question.chat_id, question.message_id).labels()
        else None
    )
    assert late is None  # the buttons are gone


async def test_a_moderator_in_private_gets_a_confirmation_and_the_group_still_hears(
    world: World,
) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "小区东门监控摄像头坏了")
    reply = await world.say_one(
        g.lin, world.emu.private_chat(g.lin), "/note 1 已联系维修公司，周五上门"
    )
    assert "林网格员：已联系维修公司，周五上门" in (reply.text or "")
    post = world.emu.last_bot_message(g.group)
    assert post.reply_to_message_id == card.message_id
    assert "林网格员：已联系维修公司" in (post.text or "")


async def test_urgent_reports_alert_every_moderator_at_once(world: World) -> None:
    g = await grid8(world)
    await world.say(g.amei, g.group, "/urgent 2号楼燃气泄漏，味道很大")
    for moderator in (g.lin, g.yang, g.chen):
        alert = world.emu.last_bot_message(world.emu.private_chat(moderator))
        assert "🚨" in (alert.text or "") and "西安村 · 第8网格 有急事" in (alert.text or "")
        assert "2号楼燃气泄漏" in (alert.text or "")
    assert not any("有急事" in t for t in private_texts(world, g.bo))
    card = world.emu.last_bot_message(g.group)
    assert "🚨 急事" in (card.text or "")


async def test_a_guided_anonymous_report_in_private(world: World) -> None:
    g = await grid8(world)
    dm = world.emu.private_chat(g.bo)
    menu = await world.say_one(g.bo, dm, "/start")
    await world.press(g.bo, menu, "📝 反映问题")
    step = world.emu.last_bot_message(dm)
    assert step.text == "是哪一类问题？"  # one grid only: no need to choose
    await world.press(g.bo, step, "🔊 噪音")
    assert "请发一条消息描述问题" in (world.emu.last_bot_message(dm).text or "")
    await world.say(g.bo, dm, "楼上每天夜里12点还在装修，吵得睡不着")
    assert "在哪里" in (world.emu.last_bot_message(dm).text or "")
    await world.say(g.bo, dm, "7号楼1单元")
    await world.emu.send_photo(g.bo, dm, caption=None)
    await world.settle()
    assert "已添加 1 张照片" in (world.emu.last_bot_message(dm).text or "")
    await world.press(g.bo, world.emu.last_bot_message(dm), "完成 ›")
    await world.press(g.bo, world.emu.last_bot_message(dm), "🙈 不显示")
    preview = world.emu.last_bot_message(dm)
    assert "楼上每天夜里12点还在装修" in (preview.text or "") and "群里不显示您的名字" in (
        preview.text or ""
    )
    await world.press(g.bo, preview, "✅ 提交")
    done = world.emu.last_bot_message(dm)
    assert "已提交，编号 #1" in (done.text or "") and "👤 阿波" in (done.text or "")

    # the card, then its photo as a reply to it (tests/e2e/test_evidence.py)
    (card,) = [m for m in world.emu.bot_messages(g.group) if (m.text or "").startswith("#1 ")]
    assert (card.text or "").startswith("#1 居民说 · 待处理")
    assert world.emu.last_bot_message(g.group).reply_to_message_id == card.message_id
    assert "📍 7号楼1单元" in (card.text or "") and "📷 1 张照片" in (card.text or "")
    everything_in_group = "\n".join(m.text or "" for m in world.emu.messages(g.group))
    assert "👤 反映人" in (card.text or "")
    # no group message about it shows the reporter, even after changes
    await world.say(g.lin, g.group, "/escalate 1")
    everything_in_group = "\n".join(
        m.text or "" for m in world.emu.bot_messages(g.group) if "#1" in (m.text or "")
    )
    assert "阿波" not in everything_in_group and "abo" not in everything_in_group
    assert str(g.bo.id) not in everything_in_group
    # the moderators still see who it was, privately
    # (the card, then its photo: tests/e2e/test_evidence.py)
    private, _ = await world.say(g.lin, world.emu.private_chat(g.lin), "/issue 1")
    assert "👤 阿波" in (private.text or "")
    public, _ = await world.say(g.amei, world.emu.private_chat(g.amei), "/issue 1")
    assert "阿波" not in (public.text or "")


async def test_the_dialog_can_be_cancelled_and_refuses_what_it_does_not_take(world: World) -> None:
    g = await grid8(world)
    dm = world.emu.private_chat(g.amei)
    step = await world.say_one(g.amei, dm, "/report")
    assert step.text == "是哪一类问题？"
    stray = await world.say_one(g.amei, dm, "随便说说")
    assert "您的反映还没填完" in (stray.text or "")
    await world.press(g.amei, step, "✖ 取消")
    assert world.emu.last_bot_message(dm).text == "已取消，没有提交。"
    assert await world.say_one(g.amei, dm, "/issue 1") is not None
    assert world.emu.last_bot_message(dm).text == "没有 #1 这个问题。"


async def seed(world: World, g: Grid8, texts: list[str]) -> None:
    """Issues raised straight through the service, with no group to show a card in: a busy grid
    without the wait for Telegram's 20-messages-a-minute group limit."""
    assert world.app is not None
    services = world.app.bot_data
    grid = services.registry.chat_grid(g.group.id)
    assert grid is not None
    for i, text in enumerate(texts):
        reporter = (g.amei, g.bo, g.chen)[i % 3]
        new = NewIssue(reporter.id, grid.community_id, grid.id, None, text, suggest(text))
        origin = Origin(reporter.id, reporter.id, None, True)
        assert isinstance(await services.issues.report(origin, new), IssueReported), text


async def test_board_and_my(world: World) -> None:
    g = await grid8(world)
    texts = [
        "3号楼路灯不亮",
        "地下车库积水严重",
        "垃圾站异味很大",
        "东门门禁坏了",
        "消防通道被电动车堵塞",
        "夜里广场舞音乐太吵",
        "燃气表箱生锈",
        "健身器材松动",
        "监控看不清",
        "楼道灯坏了一半",
        "雨棚漏雨",
        "化粪池满溢",
    ]
    await seed(world, g, texts)
    await world.say(g.yang, g.group, "/escalate 2")
    await world.say(g.lin, g.group, "/close 3 已清运并消毒")
    board = await world.say_one(g.bo, g.group, "/board")
    text = board.text or ""
    assert "西安村 · 第8网格 · 问题看板" in text
    assert (
        "居民说 · 待处理 10" in text and "物业说 · 已上报 1" in text and "社区说 · 已解决 1" in text
    )
    assert text.index("#12 化粪池满溢") < text.index("#1 3号楼路灯不亮")  # newest first
    assert board.labels() == []  # exactly 10 open: all on the first page

    await seed(world, g, ["小区大门栏杆抬不起来"])
    board = await world.say_one(g.bo, g.group, "/board")
    assert board.labels() == ["居民说 ›"]
    await world.press(g.bo, board, "居民说 ›")
    page = world.emu.last_bot_message(g.group)
    assert "居民说</b>" not in (page.text or "") and "（2/2）" in (page.text or "")
    assert "#1 3号楼路灯不亮" in (page.text or "")
    await world.press(g.bo, page, "‹")
    assert "（1/2）" in (world.emu.message(g.group, page.message_id).text or "")

    mine = await world.say_one(g.bo, world.emu.private_chat(g.bo), "/my")
    assert "您反映的问题" in (mine.text or "") and "#2 地下车库积水严重" in (mine.text or "")
    assert "#1 3号楼路灯不亮" not in (mine.text or "")


async def test_follow_up_reminds_escalates_and_counts_silence_as_fixed(world: World) -> None:
    g = await grid8(world)
    first = utcnow()
    await report(world, g.amei, g.group, "3号楼路灯不亮")
    await report(world, g.bo, g.group, "地下车库积水严重")
    await world.say(g.lin, g.group, "/close 2 已抽水并疏通排水沟")
    last = utcnow()
    # so that 6½ days after `last` is still under 7 days after `first`
    assert last - first < timedelta(hours=1)
    assert world.app is not None
    services = world.app.bot_data

    assert await run_followup(services, morning(last, 7)) is not None  # 6½ days: not yet
    await world.settle()
    assert not any("没有进展" in t for t in private_texts(world, g.yang))

    done = await run_followup(services, morning(last, 8))
    assert done is not None and list(done.reminders) and done.escalated == []
    assert done.fixed_by_silence == [2]
    await world.settle()
    reminder = world.emu.last_bot_message(world.emu.private_chat(g.yang))
    assert "西安村：1 个问题已超过 7 天没有进展" in (reminder.text or "")
    assert "#1 3号楼路灯不亮" in (reminder.text or "")
    # the same day again (a restart): nothing twice
    assert await run_followup(services, later_that_day(morning(last, 8), world.settings.tz)) is None

    assert (await run_followup(services, morning(last, 14))).escalated == []  # type: ignore[union-attr]
    done = await run_followup(services, morning(last, 15))
    assert done is not None and done.escalated == [1]
    await world.settle()
    post = world.emu.last_bot_message(g.group)
    assert (post.text or "").startswith("#1 物业说 · 已上报") and "14 天无进展，自动上报" in (
        post.text or ""
    )


async def test_setsla_changes_the_follow_up_days(world: World) -> None:
    g = await grid8(world)
    refused = await world.say_one(g.lin, g.group, "/setsla 3 5")
    assert "只有西安村的社区干部" in (refused.text or "")
    bad = await world.say_one(g.chen, g.group, "/setsla 5 3")
    assert "上报天数必须多于提醒天数" in (bad.text or "")
    bad = await world.say_one(g.chen, g.group, "/setsla 0 500")
    assert "天数为 1 到 90" in (bad.text or "")
    shown = await world.say_one(g.chen, g.group, "/setsla")
    assert "现在：7 天无进展提醒，14 天自动上报" in (shown.text or "")
    done = await world.say_one(g.chen, g.group, "/setsla 3 5")
    assert "3 天无进展提醒物业，5 天无进展自动上报" in (done.text or "")
    await report(world, g.amei, g.group, "3号楼路灯不亮")
    assert world.app is not None
    result = await run_followup(world.app.bot_data, morning(utcnow(), 6))
    assert result is not None and result.escalated == [1]


async def test_the_follow_up_job_is_registered_for_nine_in_the_morning(world: World) -> None:
    assert world.app is not None and world.app.job_queue is not None
    jobs = world.app.job_queue.get_jobs_by_name("followup")
    assert len(jobs) == 1
    when = jobs[0].next_t
    assert when is not None
    local = when.astimezone(world.settings.tz)
    assert (local.hour, local.minute) == (9, 0)
    assert timedelta(0) < when - utcnow() <= timedelta(days=1)


@pytest.mark.provokes_api_errors
async def test_a_group_that_removed_the_bot_does_not_stop_notifications(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "3号楼路灯不亮")
    await world.press(g.bo, world.emu.last_bot_message(g.group), "🙋 我也遇到")
    await world.emu.remove_bot(g.group, by=world.superadmin())
    world.emu.block(g.bo)
    await world.settle()
    reply = await world.say_one(g.lin, world.emu.private_chat(g.lin), "/escalate 1")
    assert "上报到社区" in (reply.text or "")
    assert any("上报到社区" in t for t in private_texts(world, g.amei))
    # one refusal (the blocked user), learnt from: the next notification is not even tried
    assert [(e.status, e.params["chat_id"]) for e in world.emu.errors] == [(403, g.bo.id)]
    assert world.app is not None
    user = world.app.bot_data.registry.user(g.bo.id)
    assert user is not None and user.blocked
    await world.say(g.lin, world.emu.private_chat(g.lin), "/note 1 明天来修")
    assert len(world.emu.errors) == 1


async def test_dup_moves_followers_and_priority_urgent_alerts(world: World) -> None:
    g = await grid8(world)
    original = await report(world, g.amei, g.group, "3号楼路灯不亮")
    copy = await report(world, g.bo, g.group, "三号楼那边晚上一片漆黑，灯坏了")
    await world.press(g.chen, copy, "🙋 我也遇到")
    posts = await world.say(g.lin, g.group, "/dup 2 1")
    assert any((p.text or "").startswith("#2 已驳回") for p in posts)
    card = world.emu.message(g.group, original.message_id)
    assert "🙋 2 位邻居也遇到" in (card.text or "")  # 阿波 and 陈书记 now follow #1
    told = private_texts(world, g.bo)[-1]
    assert "今后请关注 #1" in told
    assert "#2 已驳回" in (world.emu.message(g.group, copy.message_id).text or "")
    assert world.emu.message(g.group, copy.message_id).labels() == []

    await world.say(g.yang, g.group, "/priority 1 急事")
    alert = world.emu.last_bot_message(world.emu.private_chat(g.chen))
    assert "有急事" in (alert.text or "") and "3号楼路灯不亮" in (alert.text or "")
    assert "有急事" not in (world.emu.last_bot_message(world.emu.private_chat(g.yang)).text or "")


async def test_reporter_reopens_and_moderators_reject_and_recategorize(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "小区里有人乱扔东西")
    changed = await world.say_one(g.yang, world.emu.private_chat(g.yang), "/category 1 环境卫生")
    assert "#1 现在的分类是🧹 环境卫生" in (changed.text or "")
    refused = await world.say_one(g.bo, g.group, "/category 1 noise")
    assert "只有网格员、物业和社区干部可以修改分类" in (refused.text or "")
    await world.say(g.lin, g.group, "/close 1 已清理")
    reopened = await world.say(g.amei, world.emu.private_chat(g.amei), "/reopen 1 又有人乱扔了")
    assert "阿美 重新打开：又有人乱扔了" in (reopened[-1].text or "")
    posts = await world.say(g.chen, g.group, "/reject 1 属于个人纠纷，请找业委会调解")
    assert (posts[0].text or "").startswith("#1 已驳回")
    card = await world.say_one(g.bo, g.group, "/issue 1")
    assert "理由：属于个人纠纷，请找业委会调解" in (card.text or "")


@pytest.mark.provokes_api_errors
async def test_fan_out_waits_out_retry_after_and_sends_once(world: World) -> None:
    g = await grid8(world)
    world.emu.fail_next("sendMessage", status=429, retry_after=1)
    await world.emu.send(g.amei, g.group, "/report 3号楼路灯不亮")
    await world.emu.wait_for(
        lambda: any((m.text or "").startswith("#1") for m in world.emu.bot_messages(g.group)),
        timeout=10,
    )
    await world.settle()
    cards = [m for m in world.emu.bot_messages(g.group) if (m.text or "").startswith("#1")]
    assert len(cards) == 1
    assert [e.status for e in world.emu.errors] == [429]
