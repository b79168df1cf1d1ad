"""Reaching chats (403s, migration), editing and deleting, files, members, commands."""

from __future__ import annotations

import aiohttp

from emulator import Emulator

from .conftest import RawApi

NOT_MODIFIED = (
    400,
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message",
)


async def test_private_chats_need_a_started_unblocked_user(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    assert await api.fail("sendMessage", chat_id=alice.id, text="hi") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    await emu.send(alice, emu.private_chat(alice), "/start")
    assert emu.has_started(alice)
    await api.ok("sendMessage", chat_id=alice.id, text="hi")
    emu.block(alice)
    assert await api.fail("sendMessage", chat_id=alice.id, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert await api.fail("sendChatAction", chat_id=alice.id, action="typing") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    updates = await api.ok("getUpdates")
    change = updates[-1]["my_chat_member"]
    assert change["chat"]["id"] == alice.id
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == (
        "member",
        "kicked",
    )
    emu.unblock(alice)
    await api.ok("sendMessage", chat_id=alice.id, text="welcome back")
    assert await api.fail("sendMessage", chat_id=424242, text="hi") == (
        400,
        "Bad Request: chat not found",
    )


async def test_groups_need_the_bot_in_them(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    group = emu.add_group("海景湾", creator=alice)
    assert await api.fail("sendMessage", chat_id=group.id, text="hi") == (
        403,
        "Forbidden: bot is not a member of the group chat",
    )
    await emu.add_bot(group, by=alice)
    await api.ok("sendMessage", chat_id=group.id, text="hi")
    await emu.remove_bot(group, by=alice)
    assert await api.fail("sendMessage", chat_id=group.id, text="hi") == (
        403,
        "Forbidden: bot was kicked from the group chat",
    )
    kinds = [
        (u.kind, u.payload.get("new_chat_member", {}).get("status"))
        for u in emu.update_queue.pending
    ]
    assert kinds == [
        ("my_chat_member", "member"),
        ("message", None),
        ("my_chat_member", "kicked"),
        ("message", None),
    ]
    assert emu.update_queue.pending[-1].payload["left_chat_member"]["id"] == emu.bot_id
    supergroup = emu.add_group("S", creator=alice, supergroup=True)
    assert str(supergroup.id).startswith("-100")
    await emu.add_bot(supergroup, by=alice)
    await api.ok("leaveChat", chat_id=supergroup.id)
    assert await api.fail("sendMessage", chat_id=supergroup.id, text="hi") == (
        403,
        "Forbidden: bot is not a member of the supergroup chat",
    )


async def test_migration_to_a_supergroup(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    new = await emu.migrate_to_supergroup(group)
    assert new.type == "supergroup" and str(new.id).startswith("-100")
    status, body = await api.call("sendMessage", form={"chat_id": str(group.id), "text": "x"})
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new.id},
    }
    await api.ok("sendMessage", chat_id=new.id, text="x")
    service = [u.payload for u in emu.update_queue.pending if u.kind == "message"][-2:]
    assert service[0]["migrate_to_chat_id"] == new.id
    assert service[1]["migrate_from_chat_id"] == group.id
    assert emu.member_status(new, alice) == "creator"


async def test_edits_and_not_modified(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    user_message = await emu.send(alice, emu.private_chat(alice), "/start")
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    sent = await api.ok(
        "sendMessage", chat_id=alice.id, text="<b>v1</b>", parse_mode="HTML", reply_markup=keyboard
    )
    mid = sent["message_id"]
    assert (
        await api.fail(
            "editMessageText",
            chat_id=alice.id,
            message_id=mid,
            text="<b>v1</b>",
            parse_mode="HTML",
            reply_markup=keyboard,
        )
        == NOT_MODIFIED
    )
    # the same result from different markup is still "not modified"
    assert (
        await api.fail(
            "editMessageText",
            chat_id=alice.id,
            message_id=mid,
            text="<strong>v1</strong>",
            parse_mode="HTML",
            reply_markup=keyboard,
        )
        == NOT_MODIFIED
    )
    edited = await api.ok("editMessageText", chat_id=alice.id, message_id=mid, text="v2")
    assert edited["text"] == "v2" and "reply_markup" not in edited  # no markup: removed
    message = emu.last_bot_message(alice.id)
    assert (message.text, message.html, message.edits, message.buttons) == ("v2", "v2", 1, [])
    assert (
        await api.fail("editMessageReplyMarkup", chat_id=alice.id, message_id=mid) == NOT_MODIFIED
    )
    await api.ok("editMessageReplyMarkup", chat_id=alice.id, message_id=mid, reply_markup=keyboard)
    assert message.labels() == ["A"]
    assert await api.fail("editMessageText", chat_id=alice.id, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await api.fail(
        "editMessageText", chat_id=alice.id, message_id=user_message.message_id, text="x"
    ) == (400, "Bad Request: message can't be edited")


async def test_delete_rules(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    said = await emu.send(alice, group, "hello")
    own = await api.ok("sendMessage", chat_id=group.id, text="mine")
    assert await api.fail("deleteMessage", chat_id=group.id, message_id=said.message_id) == (
        400,
        "Bad Request: message can't be deleted",
    )
    emu.set_admin(group, emu.bot_user)
    assert await api.ok("deleteMessage", chat_id=group.id, message_id=said.message_id) is True
    assert await api.ok("deleteMessage", chat_id=group.id, message_id=own["message_id"]) is True
    assert said.deleted and all(not m.deleted for m in emu.messages(group))
    assert await api.fail("deleteMessage", chat_id=group.id, message_id=own["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )


async def test_reply_targets(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    said = await emu.send(alice, emu.private_chat(alice), "question")
    reply = await api.ok(
        "sendMessage",
        chat_id=alice.id,
        text="answer",
        reply_parameters={"message_id": said.message_id},
    )
    assert reply["reply_to_message"]["text"] == "question"
    assert emu.last_bot_message(alice.id).reply_to_message_id == said.message_id
    assert await api.fail(
        "sendMessage", chat_id=alice.id, text="x", reply_parameters={"message_id": 999}
    ) == (400, "Bad Request: message to be replied not found")
    await api.ok(
        "sendMessage",
        chat_id=alice.id,
        text="x",
        reply_parameters={"message_id": 999, "allow_sending_without_reply": True},
    )


async def test_upload_download_and_reuse_files(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "/start")
    data = aiohttp.FormData()
    data.add_field("chat_id", str(alice.id))
    data.add_field("document", "名单,1\n".encode(), filename="名单.csv", content_type="text/csv")
    status, body = await api.call("sendDocument", data=data)
    assert status == 200, body
    document = body["result"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("名单.csv", "text/csv")
    sent = emu.last_bot_message(alice.id).document
    assert sent is not None and sent.data == "名单,1\n".encode()
    info = await api.ok("getFile", file_id=document["file_id"])
    async with api.session.get(f"{emu.api_url}/file/bot{emu.token}/{info['file_path']}") as got:
        assert got.status == 200 and await got.read() == "名单,1\n".encode()
    async with api.session.get(f"{emu.api_url}/file/bot{emu.token}/documents/nope") as got:
        assert got.status == 404
    again = await api.ok("sendDocument", chat_id=alice.id, document=document["file_id"])
    assert again["document"]["file_id"] == document["file_id"]
    assert await api.fail("sendDocument", chat_id=alice.id, document="no-such-id") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    assert await api.fail("getFile", file_id="no-such-id") == (400, "Bad Request: invalid file_id")
    photo = await emu.send_photo(alice, emu.private_chat(alice), caption="看")
    assert photo.photo is not None
    info = await api.ok("getFile", file_id=photo.photo.file_id)
    async with api.session.get(f"{emu.api_url}/file/bot{emu.token}/{info['file_path']}") as got:
        assert (await got.read())[:4] == b"\x89PNG"


async def test_media_group_with_attachments(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "/start")
    data = aiohttp.FormData()
    data.add_field("chat_id", str(alice.id))
    data.add_field(
        "media",
        '[{"type": "photo", "media": "attach://p1", "caption": "<b>1</b>",'
        ' "parse_mode": "HTML"}, {"type": "photo", "media": "attach://p2"}]',
    )
    data.add_field("p1", b"\x89PNG one", filename="1.png", content_type="image/png")
    data.add_field("p2", b"\x89PNG two", filename="2.png", content_type="image/png")
    status, body = await api.call("sendMediaGroup", data=data)
    assert status == 200, body
    first, second = body["result"]
    assert first["media_group_id"] == second["media_group_id"]
    assert first["caption"] == "1" and first["caption_entities"][0]["type"] == "bold"
    photos = [m.photo for m in emu.bot_messages(alice.id)]
    assert [p.data for p in photos if p] == [b"\x89PNG one", b"\x89PNG two"]
    assert not any("p1" in w for w in emu.warnings)


async def test_members_and_administrators(emu: Emulator, api: RawApi) -> None:
    alice, bob, carol = emu.add_user("Alice"), emu.add_user("Bob"), emu.add_user("Carol")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    await emu.add_member(group, bob)
    emu.set_admin(group, bob)
    assert (await api.ok("getChatMember", chat_id=group.id, user_id=bob.id))["status"] == (
        "administrator"
    )
    assert (await api.ok("getChatMember", chat_id=group.id, user_id=carol.id))["status"] == "left"
    admins = await api.ok("getChatAdministrators", chat_id=group.id)
    assert sorted((a["user"]["id"], a["status"]) for a in admins) == sorted(
        [(alice.id, "creator"), (bob.id, "administrator")]
    )
    emu.set_admin(group, bob, False)
    assert emu.member_status(group, bob) == "member"
    chat = await api.ok("getChat", chat_id=group.id)
    assert chat["title"] == "G" and chat["type"] == "group"


async def test_commands_are_stored_per_scope_and_language(emu: Emulator, api: RawApi) -> None:
    await api.ok(
        "setMyCommands",
        commands=[{"command": "start", "description": "开始"}],
        scope={"type": "all_private_chats"},
        language_code="zh",
    )
    await api.ok("setMyCommands", commands=[{"command": "help", "description": "Help"}])
    assert emu.commands(scope_type="all_private_chats", language_code="zh") == [("start", "开始")]
    assert emu.commands() == [("help", "Help")]
    assert emu.commands(scope_type="all_private_chats") == []
    got = await api.ok("getMyCommands", scope={"type": "all_private_chats"}, language_code="zh")
    assert got == [{"command": "start", "description": "开始"}]
    await api.ok("deleteMyCommands")
    assert emu.commands() == []
    bad = [
        ({"command": "Bad Cmd", "description": "x"}, "Bad Request: BOT_COMMAND_INVALID"),
        ({"command": "", "description": "x"}, "Bad Request: command must be non-empty"),
        (
            {"command": "a" * 33, "description": "x"},
            "Bad Request: command length must not exceed 32",
        ),
        (
            {"command": "ok", "description": ""},
            "Bad Request: command description must be non-empty",
        ),
        (
            {"command": "ok", "description": "d" * 257},
            "Bad Request: command description length must not exceed 256",
        ),
    ]
    for command, description in bad:
        assert await api.fail("setMyCommands", commands=[command]) == (400, description)
    many = [{"command": f"c{i}", "description": "d"} for i in range(101)]
    assert await api.fail("setMyCommands", commands=many) == (
        400,
        "Bad Request: BOT_COMMANDS_TOO_MUCH",
    )
    assert await api.fail("setMyCommands", commands=[], language_code="zh-hans") == (
        400,
        "Bad Request: invalid language code specified",
    )
    await api.ok("setMyDescription", description="睦邻", language_code="zh")
    await api.ok("setMyShortDescription", short_description="short")
    await api.ok("setChatMenuButton", menu_button={"type": "commands"})
    assert emu.description("zh") == "睦邻" and emu.short_description() == "short"
    assert emu.menu_button() == {"type": "commands"}


async def test_forward_copy_voice_and_bulk_delete(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    group = emu.add_group("G", creator=alice)
    await emu.add_bot(group, by=alice)
    await emu.send(alice, emu.private_chat(alice), "/start")
    photo = await emu.send_photo(alice, emu.private_chat(alice), caption="路灯")
    forwarded = await api.ok(
        "forwardMessage", chat_id=group.id, from_chat_id=alice.id, message_id=photo.message_id
    )
    assert forwarded["forward_origin"]["sender_user"]["id"] == alice.id
    assert forwarded["caption"] == "路灯" and forwarded["photo"]
    copied = await api.ok(
        "copyMessage",
        chat_id=group.id,
        from_chat_id=alice.id,
        message_id=photo.message_id,
        caption="<b>新</b>",
        parse_mode="HTML",
    )
    copy = emu.message(group, copied["message_id"])
    assert copy.caption == "新" and copy.photo is photo.photo and copy.forward_from is None
    voice = await emu.send_voice(alice, emu.private_chat(alice))
    assert voice.voice is not None
    sent = await api.ok("sendVoice", chat_id=group.id, voice=voice.voice.file_id, duration=9)
    assert sent["voice"]["duration"] == 9
    assert await api.ok("getChatMemberCount", chat_id=group.id) == 2
    ids = [m.message_id for m in emu.bot_messages(group)]
    assert await api.ok("deleteMessages", chat_id=group.id, message_ids=[*ids, 999]) is True
    assert emu.bot_messages(group) == []
    assert await api.fail(
        "forwardMessage", chat_id=group.id, from_chat_id=alice.id, message_id=999
    ) == (400, "Bad Request: message to forward not found")


async def test_a_photo_must_be_an_image(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "/start")
    data = aiohttp.FormData()
    data.add_field("chat_id", str(alice.id))
    data.add_field("photo", b"not an image", filename="x.png", content_type="image/png")
    status, body = await api.call("sendPhoto", data=data)
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
