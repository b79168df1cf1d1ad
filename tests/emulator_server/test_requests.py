"""Routes, request formats and validation against api.json."""

from __future__ import annotations

import aiohttp

from emulator import Emulator

from .conftest import RawApi


async def started_chat(emu: Emulator) -> int:
    alice = emu.add_user("阿美", username="amei")
    await emu.send(alice, emu.private_chat(alice), "/start")
    return alice.id


async def test_wrong_token_unknown_and_unsupported_methods(emu: Emulator, api: RawApi) -> None:
    status, body = await api.call("getMe", token="999:WRONG")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await api.call("sendMessag")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await api.call("sendPoll", form={"chat_id": "1"})
    assert status == 400
    assert body["description"] == "Bad Request: method sendPoll is not supported by the emulator"
    assert [(e.method, e.status) for e in emu.errors] == [
        ("getMe", 401),
        ("sendMessag", 404),
        ("sendPoll", 400),
    ]


async def test_method_names_are_case_insensitive_and_get_works(api: RawApi) -> None:
    status, body = await api.call("GETME", http_method="GET")
    assert status == 200 and body["result"]["username"] == "mulin_bot"
    assert body["result"]["is_bot"] is True


async def test_form_query_json_and_multipart_all_coerce(emu: Emulator, api: RawApi) -> None:
    chat_id = await started_chat(emu)
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    status, body = await api.call(
        "sendMessage",
        form={
            "chat_id": str(chat_id),
            "text": "form",
            "disable_notification": "true",
            "reply_markup": markup,
        },
    )
    assert status == 200, body
    assert body["result"]["reply_markup"] == markup
    status, body = await api.call("sendMessage", query={"chat_id": str(chat_id), "text": "query"})
    assert status == 200, body
    status, body = await api.call(
        "sendMessage",
        json_body={
            "chat_id": chat_id,
            "text": "json",
            "protect_content": False,
            "reply_markup": markup,
        },
    )
    assert status == 200, body
    data = aiohttp.FormData()
    data.add_field("chat_id", str(chat_id))
    data.add_field("caption", "multipart")
    data.add_field("document", b"%PDF-1.4", filename="report.pdf", content_type="application/pdf")
    status, body = await api.call("sendDocument", data=data)
    assert status == 200, body
    assert body["result"]["document"]["file_name"] == "report.pdf"
    assert [m.text or m.caption for m in emu.bot_messages(chat_id)] == [
        "form",
        "query",
        "json",
        "multipart",
    ]
    method, params = emu.requests[0]
    assert method == "sendMessage"
    assert params["chat_id"] == chat_id and params["disable_notification"] is True
    assert params["reply_markup"] == markup
    assert emu.errors == []


async def test_unknown_parameters_are_warnings_not_errors(emu: Emulator, api: RawApi) -> None:
    chat_id = await started_chat(emu)
    await api.ok("sendMessage", chat_id=chat_id, text="hi", colour="red")
    assert emu.errors == []
    assert any("colour" in w for w in emu.warnings)


async def test_missing_and_mistyped_parameters(emu: Emulator, api: RawApi) -> None:
    chat_id = await started_chat(emu)
    assert await api.fail("sendMessage", chat_id=chat_id) == (
        400,
        "Bad Request: message text is empty",
    )
    assert await api.fail("sendMessage", text="x") == (400, "Bad Request: chat_id is empty")
    assert await api.fail("deleteMessage", chat_id=chat_id) == (
        400,
        "Bad Request: message identifier is not specified",
    )
    assert await api.fail("sendLocation", chat_id=chat_id, latitude=1) == (
        400,
        'Bad Request: parameter "longitude" is required',
    )
    assert await api.fail(
        "sendMessage", chat_id=chat_id, text="x", disable_notification="maybe"
    ) == (400, 'Bad Request: parameter "disable_notification" must be of type Boolean')
    assert await api.fail("deleteMessage", chat_id=chat_id, message_id="one") == (
        400,
        'Bad Request: parameter "message_id" must be of type Integer',
    )
    assert await api.fail("sendMessage", chat_id="not_a_chat", text="x") == (
        400,
        "Bad Request: chat not found",
    )
    status, _ = await api.call(
        "sendMessage", form={"chat_id": str(chat_id), "text": "x", "reply_markup": "{not json"}
    )
    assert status == 400


async def test_objects_are_checked_recursively(emu: Emulator, api: RawApi) -> None:
    chat_id = await started_chat(emu)
    cases = [
        (
            {"inline_keyboard": [[{"callback_data": "x"}]]},
            "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
        ),
        ({"inline_keyboard": [[{"text": 5, "callback_data": "x"}]]}, None),  # numbers are text
        ({"inline_keyboard": "bad"}, 'Bad Request: field "inline_keyboard" must be of type Array'),
        (
            {"inline_keyboard": [[{"text": "t"}]]},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"inline_keyboard": [[{"text": "t", "callback_data": ""}]]},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"inline_keyboard": [[{"text": "t", "url": "not-a-url"}]]},
            "Bad Request: inline keyboard button URL 'not-a-url' is invalid: Wrong HTTP URL",
        ),
        (
            {"inline_keyboard": [[{"text": "", "callback_data": "x"}]]},
            "Bad Request: BUTTON_TEXT_INVALID",
        ),
        (
            {"keyboard": [[{"text": "A"}]], "one_time_keyboard": "yes"},
            'Bad Request: field "one_time_keyboard" must be of type Boolean',
        ),
        (
            {"keyboard": [[{"request_contact": True}]]},
            "Bad Request: can't parse keyboard button: Can't find field \"text\"",
        ),
        ({"force_reply": True}, None),
        ({"remove_keyboard": True}, None),
    ]
    for markup, expected in cases:
        status, body = await api.call(
            "sendMessage", form={"chat_id": str(chat_id), "text": "x", "reply_markup": markup}
        )
        if expected is None:
            assert status == 200, (markup, body)
        else:
            assert body.get("description") == expected, markup
    status, body = await api.call(
        "sendMessage",
        form={"chat_id": str(chat_id), "text": "x", "reply_parameters": {"quote": "q"}},
    )
    assert body["description"] == 'Bad Request: can\'t find field "message_id"'
    status, body = await api.call(
        "sendMessage",
        form={"chat_id": str(chat_id), "text": "x", "link_preview_options": {"is_disabled": "yes"}},
    )
    assert body["description"] == 'Bad Request: field "is_disabled" must be of type Boolean'
    status, body = await api.call(
        "setMyCommands",
        form={
            "commands": [{"command": "start", "description": "Start"}],
            "scope": {"type": "everybody"},
        },
    )
    assert status == 400 and "Unsupported type specified" in body["description"]
    status, body = await api.call(
        "setMyCommands",
        form={
            "commands": [{"command": "start", "description": "Start"}],
            "scope": {"type": "chat"},
        },
    )
    assert body["description"] == 'Bad Request: can\'t find field "chat_id"'
    status, body = await api.call("setMyCommands", form={"commands": [{"command": "start"}]})
    assert body["description"] == (
        "Bad Request: can't parse BotCommand: Can't find field \"description\""
    )


async def test_text_and_caption_limits(emu: Emulator, api: RawApi) -> None:
    chat_id = await started_chat(emu)
    await api.ok("sendMessage", chat_id=chat_id, text="x" * 4096)
    assert await api.fail("sendMessage", chat_id=chat_id, text="x" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    await api.ok("sendMessage", chat_id=chat_id, text="👍" * 2048)  # 4096 UTF-16 units
    assert await api.fail("sendMessage", chat_id=chat_id, text="👍" * 2048 + ".") == (
        400,
        "Bad Request: message is too long",
    )
    # the limit applies after parsing: markup does not count
    await api.ok(
        "sendMessage", chat_id=chat_id, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
    )
    assert await api.fail("sendMessage", chat_id=chat_id, text="") == (
        400,
        "Bad Request: message text is empty",
    )
    assert await api.fail("sendMessage", chat_id=chat_id, text="<i>x", parse_mode="HTML") == (
        400,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"i\"",
    )
    data = aiohttp.FormData()
    data.add_field("chat_id", str(chat_id))
    data.add_field("caption", "c" * 1025)
    data.add_field("photo", b"\x89PNG", filename="p.png", content_type="image/png")
    _status, body = await api.call("sendPhoto", data=data)
    assert body["description"] == "Bad Request: message caption is too long"


async def test_callback_data_is_at_most_64_bytes(emu: Emulator, api: RawApi) -> None:
    chat_id = await started_chat(emu)

    def markup(data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}

    await api.ok("sendMessage", chat_id=chat_id, text="x", reply_markup=markup("a" * 64))
    await api.ok("sendMessage", chat_id=chat_id, text="x", reply_markup=markup("报" * 21))
    for too_long in ("a" * 65, "报" * 22):  # 65 and 66 bytes
        assert await api.fail(
            "sendMessage", chat_id=chat_id, text="x", reply_markup=markup(too_long)
        ) == (400, "Bad Request: BUTTON_DATA_INVALID")
