"""The Python test API against a real PTB Application that polls the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import Emulator

Context = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("报名 1人", callback_data="join:1"),
                InlineKeyboardButton("不答", callback_data="silent"),
            ],
            [InlineKeyboardButton("地图", url="https://example.com/map")],
        ]
    )
    await update.effective_message.reply_html("<b>活动</b>", reply_markup=keyboard)


async def echo(update: Update, context: Context) -> None:
    assert update.effective_message is not None and update.effective_message.text
    await update.effective_message.reply_text(update.effective_message.text)
    await asyncio.sleep(0.01)
    await update.effective_message.reply_text("second")


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    if query.data == "silent":
        return
    await query.answer(f"收到 {query.data}")
    if query.data == "join:1":
        await query.edit_message_text("已报名")


@pytest.fixture
async def app(emu: Emulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = (
        Application.builder()
        .token(emu.token)
        .base_url(emu.bot_api_url)
        .base_file_url(emu.file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(button))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_send_wait_idle_and_read(emu: Emulator, app: Application) -> None:  # type: ignore[type-arg]
    alice = emu.add_user("阿美", username="amei", language_code="zh-hans")
    dm = emu.private_chat(alice)
    said = await emu.send(alice, dm, "你好")
    await emu.wait_idle()
    replies = emu.bot_messages(dm)
    assert [m.text for m in replies] == ["你好", "second"]
    assert replies[0].reply_to_message_id is None  # PTB quotes only in groups
    assert said.text == "你好" and said.from_user == alice
    assert [m.text for m in emu.messages(dm)] == ["你好", "你好", "second"]
    assert emu.busy() is None and emu.errors == [] and emu.warnings == []


async def test_press_round_trip(emu: Emulator, app: Application) -> None:  # type: ignore[type-arg]
    alice = emu.add_user("Alice")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    await emu.send(alice, group, "/start@mulin_bot")
    await emu.wait_idle()
    card = emu.last_bot_message(group)
    assert card.html == "<b>活动</b>" and card.text == "活动"
    assert card.labels() == ["报名 1人", "不答", "地图"]

    answer = await emu.press(alice, card, "报名 1人")
    assert (answer.text, answer.show_alert) == ("收到 join:1", False)
    await emu.wait_idle()
    assert card.text == "已报名" and card.edits == 1 and card.labels() == []

    with pytest.raises(LookupError, match="报名 1人"):
        await emu.press(alice, card, "报名 1人")  # the edit removed the keyboard
    forged = await emu.press_data(alice, card, "forged:data")
    assert forged.text == "收到 forged:data"
    await emu.wait_idle()
    assert emu.errors == []


async def test_press_failures(emu: Emulator, app: Application) -> None:  # type: ignore[type-arg]
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "/start")
    await emu.wait_idle()
    card = emu.last_bot_message(alice.id)
    with pytest.raises(LookupError) as missing:
        await emu.press(alice, card, "取消")
    assert "'报名 1人', '不答', '地图'" in str(missing.value)
    with pytest.raises(LookupError, match="sends no callback"):
        await emu.press(alice, card, "地图")
    with pytest.raises(TimeoutError, match="did not answer"):
        await emu.press(alice, card, "不答", timeout=0.3)


async def test_redelivered_update_reaches_the_running_bot(
    emu: Emulator,
    app: Application,  # type: ignore[type-arg]
) -> None:
    alice = emu.add_user("Alice")
    said = await emu.send(alice, emu.private_chat(alice), "again")
    await emu.wait_idle()
    [update_id] = [u for u in emu.update_queue.history]
    emu.redeliver(update_id)
    await emu.wait_idle()
    assert [m.text for m in emu.bot_messages(alice.id)] == ["again", "second"] * 2
    assert said.text == "again"


async def test_wait_idle_times_out_without_a_bot(emu: Emulator) -> None:
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "anyone?")
    with pytest.raises(TimeoutError, match="not yet confirmed"):
        await emu.wait_idle(timeout=0.2)
    with pytest.raises(AssertionError, match="the bot has sent nothing"):
        emu.last_bot_message(alice.id)
    assert await emu.wait_for(lambda: emu.update_queue.pending, timeout=0.1)
    with pytest.raises(TimeoutError):
        await emu.wait_for(lambda: False, timeout=0.05)


async def test_user_media_and_service_messages(emu: Emulator) -> None:
    alice, bob = emu.add_user("Alice"), emu.add_user("Bob")
    group = emu.add_group("G", creator=alice)
    await emu.send(alice, group, "before the bot")  # the bot is not there: no update
    assert emu.update_queue.pending == []
    await emu.add_bot(group, by=alice)
    voice = await emu.send_voice(bob, group, duration=4)
    location = await emu.send_location(bob, group, latitude=24.71, longitude=118.46)
    contact = await emu.send_contact(bob, group, "+8613800000000")
    photo = await emu.send_photo(bob, group, caption="/report 路灯坏了")
    payloads = [u.payload for u in emu.update_queue.pending if u.kind == "message"]
    assert payloads[0]["new_chat_members"][0]["id"] == emu.bot_id
    assert payloads[1]["voice"]["duration"] == 4
    assert payloads[2]["location"] == {"latitude": 24.71, "longitude": 118.46}
    assert payloads[3]["contact"]["phone_number"] == "+8613800000000"
    assert payloads[4]["caption_entities"][0]["type"] == "bot_command"
    assert voice.voice and location.location and contact.contact and photo.photo
    assert emu.member_status(group, bob) == "member"
    assert len(emu.messages(group)) == 6
