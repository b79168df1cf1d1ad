"""People and groups through the emulator: /start /help /lang /setup /grant /revoke and group life."""

from __future__ import annotations

import pytest

from tests.conftest import World


async def test_start_in_private_greets_with_a_menu_in_the_users_language(world: World) -> None:
    amei = world.person("阿美", lang="zh-hans")
    bob = world.person("Bob", lang="en-US")
    reply = await world.say_one(amei, world.emu.private_chat(amei), "/start")
    assert "阿美，您好" in (reply.text or "")
    assert reply.labels() == [
        "📝 反映问题",
        "📋 我的问题",
        "🗂 问题看板",
        "🎪 邻里活动",
        "🍵 议事会",
        "📇 联系人",
        "❓ 帮助",
        "🌐 语言 Language",
    ]
    reply = await world.say_one(bob, world.emu.private_chat(bob), "/start")
    assert "Hello, Bob" in (reply.text or "")
    assert reply.labels() == [
        "📝 Report a problem",
        "📋 My issues",
        "🗂 Issue boards",
        "🎪 Activities",
        "🍵 Next meeting",
        "📇 Contacts",
        "❓ Help",
        "🌐 Language",
    ]


async def test_an_unsupported_telegram_language_falls_back_to_mulin_locale(world: World) -> None:
    pierre = world.person("Pierre", lang="fr")
    reply = await world.say_one(pierre, world.emu.private_chat(pierre), "/help")
    assert "您在这里可以做的事" in (reply.text or "")


async def test_deep_links_open_help_and_the_language_picker(world: World) -> None:
    amei = world.person("阿美")
    dm = world.emu.private_chat(amei)
    reply = await world.say_one(amei, dm, "/start lang")
    assert reply.labels() == ["✓ 中文", "English"]
    reply = await world.say_one(amei, dm, "/start help")
    assert "您在这里可以做的事" in (reply.text or "")
    reply = await world.say_one(amei, dm, "/start <unknown>")
    assert "阿美，您好" in (reply.text or "")


async def test_menu_buttons_answer(world: World) -> None:
    amei = world.person("阿美")
    dm = world.emu.private_chat(amei)
    menu = await world.say_one(amei, dm, "/start")
    await world.press(amei, menu, "❓ 帮助")
    assert "您在这里可以做的事" in (world.emu.last_bot_message(dm).text or "")
    await world.press(amei, menu, "🌐 语言 Language")
    assert world.emu.last_bot_message(dm).labels() == ["✓ 中文", "English"]
    await world.press(amei, menu, "📇 联系人")  # answered by the directory feature
    assert "电话号码只提供给本社区网格群的成员" in (world.emu.last_bot_message(dm).text or "")


async def test_help_lists_only_what_the_caller_may_do(world: World) -> None:
    admin = world.superadmin()
    amei = world.person("阿美", username="amei")
    chen = world.person("陈书记", username="chen")
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    await world.say(amei, group, "hello")
    await world.say(chen, group, "大家好")
    await world.say(admin, group, "/grant community @chen")

    resident = await world.say_one(amei, world.emu.private_chat(amei), "/help")
    assert "/lang" in (resident.text or "") and "/grant" not in (resident.text or "")
    official = await world.say_one(chen, world.emu.private_chat(chen), "/help")
    assert "/grant" in (official.text or "") and "社区干部" in (official.text or "")
    in_group = await world.say_one(amei, group, "/help")
    assert "/setup" not in (in_group.text or "")
    assert in_group.reply_to_message_id is not None


async def test_setup_registers_a_group_for_its_admins_and_superadmins(world: World) -> None:
    creator = world.person("群主")
    amei = world.person("阿美")
    group = await world.group("海景湾二期 第8网格群", admin=creator)
    welcome = world.emu.last_bot_message(group)
    assert "/setup" in (welcome.text or "")

    refused = await world.say_one(amei, group, "/setup 西安村 第8网格")
    assert "只有本群管理员" in (refused.text or "")

    done = await world.say_one(creator, group, "/setup 西安村 第8网格")
    assert "本群已登记到西安村 · 第8网格" in (done.text or "")

    moved = await world.say_one(world.superadmin(), group, "/setup 西安村 第9网格")
    assert "第9网格" in (moved.text or "") and "之前登记在第8网格" in (moved.text or "")

    world.emu.set_admin(group, amei, True)
    again = await world.say_one(amei, group, '/setup "鸿塔 社区" 第1网格')
    assert "鸿塔 社区 · 第1网格" in (again.text or "")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", "请写明社区和网格"),
        ("西安村", "请写明社区和网格"),
        ("西安村 第8 网格", "带空格的名称请加引号"),
        ("西安村 " + "长" * 41, "1 到 40 个字"),
        ('"西安村', "请写明社区和网格"),
    ],
)
async def test_setup_bad_arguments_say_how_to_write_it(
    world: World, args: str, expected: str
) -> None:
    creator = world.person("群主")
    group = await world.group("测试群", admin=creator)
    reply = await world.say_one(creator, group, f"/setup {args}".strip())
    assert expected in (reply.text or "")
    assert "请这样写：/setup 西安村 第8网格" in (reply.text or "")


async def test_setup_in_private_points_to_the_group(world: World) -> None:
    admin = world.superadmin()
    reply = await world.say_one(admin, world.emu.private_chat(admin), "/setup 西安村 第8网格")
    assert "请在要登记的群里发送 /setup" in (reply.text or "")


async def test_names_with_html_are_shown_verbatim(world: World) -> None:
    creator = world.person("群主")
    group = await world.group("测试群", admin=creator)
    reply = await world.say_one(creator, group, "/setup <b>村</b> a&b")
    assert "<b>村</b> · a&b" in (reply.text or "")


async def test_grant_and_revoke_by_reply_and_by_username(world: World) -> None:
    admin = world.superadmin()
    amei = world.person("阿美", username="amei")
    lin = world.person("林网格员")
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    await world.say(amei, group, "我是阿美")
    lins_message = await world.emu.send(lin, group, "我是网格员小林")
    await world.settle()

    done = await world.say_one(admin, group, "/grant 网格员", reply_to=lins_message)
    assert "林网格员 现在是西安村的网格员" in (done.text or "")
    again = await world.say_one(admin, group, "/grant grid", reply_to=lins_message)
    assert "已经是" in (again.text or "")
    done = await world.say_one(admin, group, "/grant property @amei")
    assert "@amei 现在是西安村的物业" in (done.text or "")
    taken = await world.say_one(admin, group, "/revoke property @AMEI")
    assert "@amei 已不再是西安村的物业" in (taken.text or "")
    nothing = await world.say_one(admin, group, "/revoke property @amei")
    assert "无需收回" in (nothing.text or "")

    # the new grid worker may not grant; a resident may not either
    refused = await world.say_one(lin, group, "/grant grid @amei")
    assert "只有西安村的社区干部" in (refused.text or "")
    refused = await world.say_one(amei, group, "/grant community @amei")
    assert "只有西安村的社区干部" in (refused.text or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/grant", "请写明角色和人员"),
        ("/grant mayor @amei", "没有“mayor”这个角色"),
        ("/grant grid", "给谁？"),
        ("/grant grid @nobody", "我还不认识 @nobody"),
    ],
)
async def test_grant_bad_arguments(world: World, text: str, expected: str) -> None:
    admin = world.superadmin()
    amei = world.person("阿美", username="amei")
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    await world.say(amei, group, "hi")
    reply = await world.say_one(admin, group, text)
    assert expected in (reply.text or "")
    assert "请这样写" in (reply.text or "")


async def test_grant_by_replying_to_the_bot_is_refused(world: World) -> None:
    admin = world.superadmin()
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    bots_message = world.emu.last_bot_message(group)
    reply = await world.say_one(admin, group, "/grant grid", reply_to=bots_message)
    assert "请回复某位居民发的消息" in (reply.text or "")


async def test_grant_in_an_unregistered_group_asks_for_setup(world: World) -> None:
    admin = world.superadmin()
    amei = world.person("阿美", username="amei")
    group = await world.group("新群", admin=admin)
    await world.say(amei, group, "hi")
    reply = await world.say_one(admin, group, "/grant grid @amei")
    assert "本群还没有登记" in (reply.text or "")


async def test_grant_in_private_picks_or_asks_for_the_community(world: World) -> None:
    admin = world.superadmin()
    amei = world.person("阿美", username="amei")
    chen = world.person("陈书记", username="chen")
    await world.registered_group("海景湾二期", "西安村", "第8网格")
    await world.registered_group("鸿塔小区", "鸿塔社区", "第1网格")
    for person in (amei, chen):
        await world.say(person, world.emu.private_chat(person), "/start")
    admin_dm = world.emu.private_chat(admin)

    ask = await world.say_one(admin, admin_dm, "/grant community @chen")
    assert "哪个社区" in (ask.text or "") and "西安村" in (ask.text or "")
    done = await world.say_one(admin, admin_dm, "/grant community @chen 西安村")
    assert "@chen 现在是西安村的社区干部" in (done.text or "")
    unknown = await world.say_one(admin, admin_dm, "/grant community @chen 火星村")
    assert "没有“火星村”这个社区" in (unknown.text or "")

    # chen holds the community role in one community only: no need to name it
    done = await world.say_one(chen, world.emu.private_chat(chen), "/grant grid @amei")
    assert "@amei 现在是西安村的网格员" in (done.text or "")
    refused = await world.say_one(amei, world.emu.private_chat(amei), "/grant grid @chen")
    assert "不是任何社区的社区干部" in (refused.text or "")


async def test_lang_in_private_changes_the_users_language(world: World) -> None:
    amei = world.person("阿美")
    dm = world.emu.private_chat(amei)
    picker = await world.say_one(amei, dm, "/lang")
    assert picker.labels() == ["✓ 中文", "English"]
    done = await world.say_one(amei, dm, "/lang en")
    assert "Language set to English" in (done.text or "")
    help_reply = await world.say_one(amei, dm, "/help")
    assert "What you can do here" in (help_reply.text or "")
    picker = await world.say_one(amei, dm, "/lang")
    await world.press(amei, picker, "中文")
    assert "语言已设为中文" in (world.emu.last_bot_message(dm).text or "")
    bad = await world.say_one(amei, dm, "/lang fr")
    assert "不支持语言“fr”" in (bad.text or "") and "/lang zh" in (bad.text or "")


async def test_lang_in_a_group_is_for_moderators(world: World) -> None:
    admin = world.superadmin()
    amei = world.person("阿美", username="amei")
    lin = world.person("小林", username="lin")
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    await world.say(amei, group, "hi")
    await world.say(lin, group, "hi")
    await world.say(admin, group, "/grant grid @lin")

    refused = await world.say_one(amei, group, "/lang en")
    assert "只有网格员、物业和社区干部可以设置群语言" in (refused.text or "")
    assert refused.buttons[0][0].url == "https://t.me/mulin_bot?start=lang"
    picker = await world.say_one(amei, group, "/lang")
    answer = await world.press(amei, picker, "English")
    assert answer.show_alert and "只有网格员" in (answer.text or "")

    done = await world.say_one(lin, group, "/lang en")
    assert "This group's language is now English" in (done.text or "")
    reply = await world.say_one(amei, group, "/help")  # a zh user, but the group speaks English
    assert "What you can do here" in (reply.text or "")
    reply = await world.say_one(amei, world.emu.private_chat(amei), "/help")  # privately: zh
    assert "您在这里可以做的事" in (reply.text or "")


async def test_removed_group_becomes_inactive_and_comes_back(world: World) -> None:
    admin = world.superadmin()
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    assert world.app is not None
    storage = world.app.bot_data.registry
    await world.emu.remove_bot(group, by=admin)
    await world.settle()
    chat = storage.chat(group.id)
    assert chat is not None and not chat.active
    grid = storage.chat_grid(group.id)
    assert grid is not None and storage.group_chats(grid.community_id) == []
    await world.emu.add_bot(group, by=admin)
    await world.settle()
    assert [c.id for c in storage.group_chats(grid.community_id)] == [group.id]


async def test_supergroup_upgrade_keeps_the_registration(world: World) -> None:
    admin = world.superadmin()
    amei = world.person("阿美")
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    supergroup = await world.emu.migrate_to_supergroup(group)
    await world.settle()
    reply = await world.say_one(amei, supergroup, "/help")
    assert "本群还没有登记" not in (reply.text or "")
    await world.restart_bot()
    assert world.app is not None
    grid = world.app.bot_data.registry.chat_grid(supergroup.id)
    assert grid is not None and grid.name == "第8网格"
    del admin


async def test_a_redelivered_update_has_one_effect_and_no_second_reply(world: World) -> None:
    creator = world.person("群主")
    group = await world.group("海景湾二期", admin=creator)
    await world.say(creator, group, "/setup 西安村 第8网格")
    count = len(world.emu.bot_messages(group))
    setup_update = max(world.emu.update_queue.history)
    world.emu.redeliver(setup_update)
    await world.settle()
    assert len(world.emu.bot_messages(group)) == count
    await world.restart_bot()
    world.emu.redeliver(setup_update)
    await world.settle()
    assert len(world.emu.bot_messages(group)) == count


async def test_command_menus_exist_per_language_and_scope(world: World) -> None:
    emu = world.emu
    for lang in ("zh", "en", ""):
        private = [c for c, _ in emu.commands(scope_type="all_private_chats", language_code=lang)]
        groups = [c for c, _ in emu.commands(scope_type="all_group_chats", language_code=lang)]
        assert private[:3] == ["start", "help", "lang"], (lang, private)
        assert "setup" in groups and "start" not in groups and "grant" not in groups
    zh = dict(emu.commands(scope_type="all_private_chats", language_code="zh"))
    en = dict(emu.commands(scope_type="all_private_chats", language_code="en"))
    assert zh["lang"] == "选择语言" and en["lang"] == "choose the language"


async def test_unknown_commands(world: World) -> None:
    amei = world.person("阿美")
    dm = world.emu.private_chat(amei)
    reply = await world.say_one(amei, dm, "/fly <b>")
    assert "我不认识命令 /fly" in (reply.text or "")
    group = await world.registered_group("海景湾二期", "西安村", "第8网格")
    assert await world.say(amei, group, "/weather") == []  # maybe another bot's
    reply = await world.say_one(amei, group, "/weather@mulin_bot")
    assert "/weather" in (reply.text or "")
    reply = await world.say_one(amei, dm, "你好")
    assert "请点下面的按钮" in (reply.text or "") and reply.labels()


async def test_forged_button_data_is_refused(world: World) -> None:
    amei = world.person("阿美")
    dm = world.emu.private_chat(amei)
    menu = await world.say_one(amei, dm, "/start")
    for data in ("lang:xx", "menu", "menu:nothing", "nonsense:1:2", "lang:" + "9" * 50):
        answer = await world.emu.press_data(amei, menu, data)
        await world.settle()
        assert answer.text in ("这个按钮已失效。", None)


@pytest.mark.provokes_api_errors
async def test_telegram_errors_are_survived(world: World) -> None:
    amei = world.person("阿美")
    dm = world.emu.private_chat(amei)
    await world.say(amei, dm, "/start")
    world.emu.fail_next("sendMessage", status=429, retry_after=1)
    before = len(world.emu.bot_messages(dm))
    await world.emu.send(amei, dm, "/help")
    await world.emu.wait_for(lambda: len(world.emu.bot_messages(dm)) > before, timeout=5)
    await world.settle()
    replies = world.emu.bot_messages(dm)[before:]
    assert len(replies) == 1 and "您在这里可以做的事" in (
        replies[0].text or ""
    )  # waited out, sent once
    world.emu.fail_next("sendMessage", status=400, description="Bad Request: injected")
    replies = await world.say(amei, dm, "/help")
    assert [m.text for m in replies] == [
        "抱歉，我这边出了点问题。请稍后再试；如果一直这样，请告诉您的网格员。"
    ]
