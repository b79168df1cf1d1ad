"""Methods about the bot itself and its chats: identity, updates, webhook, members, commands."""

from __future__ import annotations

import re
from typing import Any

from .backend import Backend, Described
from .errors import bad_request
from .messaging import Handler
from .spec import Call
from .state import ADMINISTRATOR, CREATOR, LEFT, PRESENT
from .updates import TERMINATED_BY_WEBHOOK, WebhookConfig
from .wire import bot_json, chat_full_json, member_json

COMMAND_LIMIT = 100
COMMAND_LENGTH = 32
COMMAND_DESCRIPTION_LENGTH = 256
DESCRIPTION_LENGTH = 512
SHORT_DESCRIPTION_LENGTH = 120
_COMMAND = re.compile(r"[a-z0-9_]+")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SECRET = re.compile(r"[A-Za-z0-9_\-]+")


async def get_me(b: Backend, call: Call) -> Any:
    return bot_json(b.bot)


async def log_out(b: Backend, call: Call) -> Any:
    return True


async def get_updates(b: Backend, call: Call) -> Any:
    p = call.params
    updates = await b.updates.get_updates(
        p.get("offset"),
        p.get("limit"),
        max(0, p.get("timeout", 0)),
        p.get("allowed_updates"),
        call.client_connected,
    )
    if updates:
        b.activity.touch()
    return updates


async def set_webhook(b: Backend, call: Call) -> Any:
    p = call.params
    url = p["url"]
    if not url:
        return await delete_webhook(b, call)
    if not url.lower().startswith(("http://", "https://")):
        raise bad_request("invalid webhook URL specified")
    secret = p.get("secret_token")
    if secret is not None:
        if len(secret) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains illegal characters")
    if p.get("certificate") is not None:
        b.warnings.append("setWebhook: the certificate is ignored by the emulator")
    current = b.updates.webhook
    already = current is not None and current.url == url and current.secret_token == secret
    b.updates.webhook = WebhookConfig(
        url, secret, int(p.get("max_connections", 40)), p.get("ip_address")
    )
    b.updates.set_allowed(p.get("allowed_updates"))
    if p.get("drop_pending_updates"):
        b.updates.drop_pending()
    b.updates.abort_poll(TERMINATED_BY_WEBHOOK)
    b.webhook_sender.start()
    return Described(True, "Webhook is already set" if already else "Webhook was set")


async def delete_webhook(b: Backend, call: Call) -> Any:
    if call.params.get("drop_pending_updates"):
        b.updates.drop_pending()
    if b.updates.webhook is None:
        return Described(True, "Webhook is already deleted")
    b.updates.webhook = None
    await b.webhook_sender.stop()
    return Described(True, "Webhook was deleted")


async def get_webhook_info(b: Backend, call: Call) -> Any:
    config = b.updates.webhook
    info: dict[str, Any] = {
        "url": config.url if config else "",
        "has_custom_certificate": False,
        "pending_update_count": len(b.updates.pending),
    }
    if config is not None:
        info["max_connections"] = config.max_connections
        if config.ip_address:
            info["ip_address"] = config.ip_address
        if config.last_error_date is not None:
            info["last_error_date"] = config.last_error_date
            info["last_error_message"] = config.last_error_message
        if b.updates.allowed_list is not None:
            info["allowed_updates"] = b.updates.allowed_list
    return info


async def get_chat(b: Backend, call: Call) -> Any:
    return chat_full_json(b.readable_chat(call.params["chat_id"]))


async def get_chat_member(b: Backend, call: Call) -> Any:
    state = b.readable_chat(call.params["chat_id"])
    user = b.world.users.get(call.params["user_id"])
    if user is None:
        raise bad_request("user not found")
    return member_json(user, state.status(user.id))


async def get_chat_administrators(b: Backend, call: Call) -> Any:
    state = b.readable_chat(call.params["chat_id"])
    if not state.is_group:
        raise bad_request("there are no administrators in the private chat")
    return [
        member_json(b.world.users[user_id], status)
        for user_id, status in state.members.items()
        if status in (CREATOR, ADMINISTRATOR)
    ]


async def get_chat_member_count(b: Backend, call: Call) -> Any:
    state = b.readable_chat(call.params["chat_id"])
    return sum(1 for status in state.members.values() if status in PRESENT)


async def leave_chat(b: Backend, call: Call) -> Any:
    state = b.resolve_chat(call.params["chat_id"])
    if not state.is_group:
        raise bad_request("chat member status can't be changed in private chats")
    b.check_access(state)
    if state.status(b.bot.id) in PRESENT:
        b.set_status(state, b.bot, LEFT, by=b.bot)
    return True


def _command_key(b: Backend, params: dict[str, Any]) -> tuple[str, int | None, int | None, str]:
    language = params.get("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    scope = params.get("scope") or {"type": "default"}
    chat_id: int | None = None
    if "chat_id" in scope:
        state = b.resolve_chat(scope["chat_id"])
        chat_id = state.chat.id
        if scope["type"] != "chat" and not state.is_group:
            raise bad_request("can't use specified scope in private chats")
    user_id = scope.get("user_id")
    return scope["type"], chat_id, user_id, language


async def set_my_commands(b: Backend, call: Call) -> Any:
    commands: list[dict[str, Any]] = call.params["commands"]
    if len(commands) > COMMAND_LIMIT:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked: list[tuple[str, str]] = []
    for entry in commands:
        command = entry["command"].removeprefix("/")
        description = entry["description"]
        if not command:
            raise bad_request("command must be non-empty")
        if len(command) > COMMAND_LENGTH:
            raise bad_request(f"command length must not exceed {COMMAND_LENGTH}")
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not description.strip():
            raise bad_request("command description must be non-empty")
        if len(description) > COMMAND_DESCRIPTION_LENGTH:
            raise bad_request(
                f"command description length must not exceed {COMMAND_DESCRIPTION_LENGTH}"
            )
        checked.append((command, description))
    key = _command_key(b, call.params)
    if checked:
        b.world.commands[key] = checked
    else:
        b.world.commands.pop(key, None)
    return True


async def get_my_commands(b: Backend, call: Call) -> Any:
    stored = b.world.commands.get(_command_key(b, call.params), [])
    return [{"command": c, "description": d} for c, d in stored]


async def delete_my_commands(b: Backend, call: Call) -> Any:
    b.world.commands.pop(_command_key(b, call.params), None)
    return True


def _language(params: dict[str, Any]) -> str:
    language = params.get("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return str(language)


async def set_my_description(b: Backend, call: Call) -> Any:
    text = call.params.get("description") or ""
    if len(text) > DESCRIPTION_LENGTH:
        raise bad_request("bot description is too long")
    _store(b.world.descriptions, _language(call.params), text)
    return True


async def set_my_short_description(b: Backend, call: Call) -> Any:
    text = call.params.get("short_description") or ""
    if len(text) > SHORT_DESCRIPTION_LENGTH:
        raise bad_request("bot short description is too long")
    _store(b.world.short_descriptions, _language(call.params), text)
    return True


def _store(table: dict[str, str], language: str, text: str) -> None:
    if text:
        table[language] = text
    else:
        table.pop(language, None)


async def get_my_description(b: Backend, call: Call) -> Any:
    return {"description": b.world.descriptions.get(_language(call.params), "")}


async def get_my_short_description(b: Backend, call: Call) -> Any:
    language = _language(call.params)
    return {"short_description": b.world.short_descriptions.get(language, "")}


async def set_chat_menu_button(b: Backend, call: Call) -> Any:
    chat_id = call.params.get("chat_id")
    if chat_id is not None:
        state = b.resolve_chat(chat_id)
        if state.chat.type != "private":
            raise bad_request("menu button can be set only in private chats")
    button = call.params.get("menu_button") or {"type": "default"}
    b.world.menu_buttons[chat_id] = button
    return True


async def get_chat_menu_button(b: Backend, call: Call) -> Any:
    chat_id = call.params.get("chat_id")
    buttons = b.world.menu_buttons
    return buttons.get(chat_id) or buttons.get(None) or {"type": "commands"}


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": log_out,
    "close": log_out,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "leaveChat": leave_chat,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": set_my_description,
    "getMyDescription": get_my_description,
    "setMyShortDescription": set_my_short_description,
    "getMyShortDescription": get_my_short_description,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
