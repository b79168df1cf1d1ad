"""The community roster: names and roles in groups, phone numbers only privately to members."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.e2e.test_issues import grid8

PHONES = ("13812345678", "0595-85123456", "13900001111")


async def roster_town(world: World):  # type: ignore[no-untyped-def]
    g = await grid8(world)
    for text in (
        "/addcontact building_head 陈阿姨 138-1234-5678 3号楼",
        "/addcontact 党员 林先生 0595-85123456",
        '/addcontact volunteer "Wang Wei" +86 139 0000 1111 7号楼',
    ):
        reply = await world.say_one(g.lin, g.group, text)
        assert "已加入西安村联系人" in (reply.text or ""), reply.text
    return g


async def test_groups_see_names_and_roles_never_phones(world: World) -> None:
    g = await roster_town(world)
    shown = await world.say_one(g.amei, g.group, "/contacts")
    text = shown.text or ""
    assert "📇 西安村：联系人" in text
    assert "党员\n林先生" in text and "楼栋长\n陈阿姨 · 3号楼" in text
    assert "志愿者\nWang Wei · 7号楼" in text
    assert "电话号码已私聊发给您" in text  # she is a member and started the bot
    everything = "\n".join(m.text or "" for m in world.emu.bot_messages(g.group))
    for phone in PHONES:
        assert phone not in everything.replace(" ", "").replace("-", "") and phone not in everything


async def test_phones_go_privately_to_members_only(world: World) -> None:
    g = await roster_town(world)
    # a resident who is a member of the grid group
    await world.emu.add_member(g.group, g.amei)
    await world.settle()
    mine = await world.say_one(g.amei, world.emu.private_chat(g.amei), "/contacts")
    assert "陈阿姨 · 3号楼 · 📞 13812345678" in (mine.text or "")
    assert "林先生 · 📞 0595-85123456" in (mine.text or "")
    # a role holder
    staff = await world.say_one(g.yang, world.emu.private_chat(g.yang), "/contacts")
    assert "📞 13900001111" in (staff.text or "")
    # a stranger who is in none of the community's groups
    stranger = world.person("路人")
    refused = await world.say_one(stranger, world.emu.private_chat(stranger), "/contacts")
    assert "电话号码只提供给本社区网格群的成员" in (refused.text or "")
    assert "138" not in (refused.text or "")


async def test_updating_and_removing(world: World) -> None:
    g = await roster_town(world)
    updated = await world.say_one(g.chen, g.group, "/addcontact 楼栋长 陈阿姨 13700000000 5号楼")
    assert "已更新西安村联系人 陈阿姨（楼栋长）" in (updated.text or "")
    gone = await world.say_one(g.chen, g.group, "/removecontact 陈阿姨")
    assert "陈阿姨 已从西安村联系人中删除" in (gone.text or "")
    again = await world.say_one(g.chen, g.group, "/removecontact 陈阿姨")
    assert "西安村联系人里没有 陈阿姨" in (again.text or "")
    quoted = await world.say_one(g.chen, g.group, '/removecontact "Wang Wei"')
    assert "Wang Wei 已从西安村联系人中删除" in (quoted.text or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/addcontact", "请写明类别、姓名和电话"),
        ("/addcontact mayor 张三 13812345678", "没有“mayor”这个类别"),
        ("/addcontact party 张三 12345", "“12345”不是电话号码"),
        ("/addcontact party 张三 13812345678 3号楼 多余", "带空格的名称请加引号"),
        ("/addcontact party " + "长" * 31 + " 13812345678", "姓名为 1 到 30 个字"),
        ("/removecontact", "删除谁？请写姓名"),
    ],
)
async def test_bad_input(world: World, text: str, expected: str) -> None:
    g = await grid8(world)
    reply = await world.say_one(g.lin, g.group, text)
    assert expected in (reply.text or "") and "请这样写" in (reply.text or "")


async def test_only_grid_workers_and_officials_change_the_roster(world: World) -> None:
    g = await grid8(world)
    for user in (g.amei, g.yang):
        reply = await world.say_one(user, g.group, "/addcontact party 张三 13812345678")
        assert "只有西安村的网格员和社区干部可以修改联系人" in (reply.text or "")
    private = await world.say_one(
        g.lin, world.emu.private_chat(g.lin), "/addcontact party 张三 13812345678"
    )
    assert "张三 已加入西安村联系人" in (private.text or "")
