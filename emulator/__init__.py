"""A local Telegram Bot API server for end-to-end tests, the offline demo and benchmarks.

It speaks only the Bot API over HTTP (only harness imports the bot), checks every request
against Telegram's published spec (api.json) and answers as Telegram would, errors included.
See testapi.Emulator for the handles a test uses.

Modules: spec (api.json: validate and coerce parameters), html / markdown / formatting
(parse modes, entities, text limits), state (users, chats, messages, files), wire (Bot API
JSON), updates / webhook (getUpdates, long polling, webhook delivery), limits (fault switches,
rate limits), backend / messaging / media / botmethods (method implementations), images
(photo sizes), server (HTTP), control (JSON control routes for a separate process), testapi
(the Emulator facade), harness (the real bot against this emulator with people to act as:
the tests', demo's and benchmarks' shared world; the one module that imports the bot, so
`import emulator` alone does not).
"""

from .errors import ApiError
from .state import (
    Button,
    CallbackAnswer,
    Chat,
    Contact,
    Location,
    Message,
    SentFile,
    User,
    Venue,
)
from .testapi import Emulator

__all__ = [
    "ApiError",
    "Button",
    "CallbackAnswer",
    "Chat",
    "Contact",
    "Emulator",
    "Location",
    "Message",
    "SentFile",
    "User",
    "Venue",
]
