"""PTB's own Bot, unchanged, as a client: proof the emulator speaks the Bot API PTB speaks."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    LinkPreviewOptions,
    MenuButtonCommands,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter

from emulator import Emulator
from emulator.testapi import TINY_PNG


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(
        emu.token, base_url=f"{emu.api_url}/bot", base_file_url=f"{emu.api_url}/file/bot"
    ) as ptb_bot:
        yield ptb_bot


async def test_ptb_bot_round_trip(emu: Emulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (emu.bot_id, "mulin_bot", "睦邻", True)
    alice = emu.add_user("阿美", username="amei", language_code="zh-hans")
    dm = emu.private_chat(alice)
    command = await emu.send(alice, dm, "/start")

    [update] = await bot.get_updates(timeout=1)
    assert update.message is not None and update.message.text == "/start"
    assert update.message.from_user is not None and update.message.from_user.id == alice.id
    assert update.message.entities[0].type == "bot_command"

    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("报名 1人", callback_data="join:1")],
            [InlineKeyboardButton("地图", url="https://example.com/map")],
        ]
    )
    sent = await bot.send_message(
        dm.id,
        "<b>活动</b> &amp; <i>报名</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(command.message_id),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        disable_notification=True,
    )
    assert sent.text == "活动 & 报名" and sent.text_html == "<b>活动</b> &amp; <i>报名</i>"
    assert sent.reply_markup == keyboard
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.message_id == command.message_id
    stored = emu.last_bot_message(dm)
    assert (stored.text, stored.html) == ("活动 & 报名", "<b>活动</b> &amp; <i>报名</i>")
    assert stored.labels() == ["报名 1人", "地图"]

    press = asyncio.create_task(emu.press(alice, stored, "报名 1人"))
    [update] = await bot.get_updates(offset=update.update_id + 1, timeout=2)
    query = update.callback_query
    assert query is not None and query.data == "join:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="已报名", show_alert=True)
    answer = await press
    assert (answer.text, answer.show_alert) == ("已报名", True)

    edited = await bot.edit_message_text("已满", chat_id=dm.id, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "已满"
    assert stored.text == "已满" and stored.edits == 1 and stored.buttons == []

    document = await bot.send_document(
        dm.id, b"a,b\n1,2\n", filename="名单.csv", caption="<b>名单</b>", parse_mode="HTML"
    )
    assert document.document is not None and document.document.file_name == "名单.csv"
    assert document.caption == "名单"
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"
    photo = await bot.send_photo(dm.id, TINY_PNG, caption="图")
    assert photo.photo[-1].width == 1 and photo.photo[-1].height == 1
    album = await bot.send_media_group(
        dm.id, [InputMediaPhoto(TINY_PNG, caption="1"), InputMediaPhoto(TINY_PNG)]
    )
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    location = await bot.send_location(dm.id, latitude=24.71, longitude=118.46)
    assert location.location is not None and location.location.latitude == 24.71
    assert await bot.send_chat_action(dm.id, "typing")
    assert await bot.delete_message(dm.id, location.message_id)
    assert emu.warnings == [] and emu.errors == []


async def test_ptb_reads_chats_members_commands_and_webhook_info(emu: Emulator, bot: Bot) -> None:
    alice, bob = emu.add_user("Alice"), emu.add_user("Bob")
    group = emu.add_group("海景湾二期 第8网格群", creator=alice)
    await emu.add_bot(group, by=alice)
    await emu.add_member(group, bob)
    emu.set_admin(group, bob)
    updates = await bot.get_updates()
    joined = updates[0].my_chat_member
    assert joined is not None and joined.new_chat_member.status == "member"
    assert updates[1].message is not None
    assert updates[1].message.new_chat_members[0].id == emu.bot_id

    chat = await bot.get_chat(group.id)
    assert chat.title == "海景湾二期 第8网格群" and chat.type == "group"
    member = await bot.get_chat_member(group.id, bob.id)
    assert member.status == "administrator"
    admins = await bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {alice.id, bob.id}

    await bot.set_my_commands(
        [BotCommand("report", "报告问题")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="zh",
    )
    assert emu.commands("all_private_chats", "zh") == [("report", "报告问题")]
    commands = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="zh")
    assert [(c.command, c.description) for c in commands] == [("report", "报告问题")]
    assert await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="zh")
    assert await bot.set_my_description("睦邻机器人", language_code="zh")
    assert await bot.set_my_short_description("睦邻")
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == len(emu.update_queue.pending)
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.leave_chat(group.id)
    assert await bot.log_out()
    assert emu.warnings == [] and emu.errors == []


async def test_ptb_gets_the_right_exception_types(emu: Emulator, bot: Bot) -> None:
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "/start")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(alice.id, "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        sent = await bot.send_message(alice.id, "same")
        await bot.edit_message_text("same", chat_id=alice.id, message_id=sent.message_id)
    emu.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(alice.id, "x")
    assert retry.value._retry_after == dtm.timedelta(seconds=3)
    emu.block(alice)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "x")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    new = await emu.migrate_to_supergroup(group)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(group.id, "x")
    assert migrated.value.new_chat_id == new.id
    await emu.remove_bot(new, by=alice)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(new.id, "x")
    with pytest.raises(InvalidToken):  # PTB checks the token with getMe on entering
        async with Bot("123456:WRONG", base_url=f"{emu.api_url}/bot"):
            pass
    assert [e.status for e in emu.errors] == [400, 400, 429, 403, 400, 403, 401]
