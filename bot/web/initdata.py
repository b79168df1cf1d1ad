"""Who opened the board as a Telegram Mini App: Telegram's signed `initData`, checked.

The Mini App's page sends `Telegram.WebApp.initData` (a query string Telegram signed with a key
derived from the bot token) as `Authorization: tma <initData>`, or once as the `tgWebAppData`
query parameter. Only a valid, fresh signature proves who the viewer is; anything else is the
public page. The scheme is Telegram's ("Validating data received via the Mini App"):

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where data_check_string is every received field but `hash`, sorted by key, as `key=value` lines
joined with "\\n". Pure: standard library only, no I/O, the clock passed in, so that the web
server and the tests decide what "now" is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

MAX_AGE = timedelta(hours=24)
# auth_date is stamped by Telegram's servers; a little drift between their clock and ours is
# normal, a date further ahead is not something Telegram signed for the present.
FUTURE_SKEW = timedelta(minutes=5)
# Real initData is well under a kilobyte or two; a huge header is refused before any work.
MAX_LENGTH = 16_384
AUTH_SCHEME = "tma"
QUERY_PARAMETER = "tgWebAppData"


@dataclass(frozen=True)
class WebAppUser:
    """The Telegram user a valid initData vouches for, with when Telegram signed it."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    auth_date: datetime

    @property
    def full_name(self) -> str:
        """As the bot shows people: first and last name."""
        return f"{self.first_name} {self.last_name}".strip() if self.last_name else self.first_name


def secret_key(bot_token: str) -> bytes:
    """The key initData is signed with: the bot token itself never signs anything directly."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Every field but `hash`, sorted by key, one `key=value` a line (Telegram's definition)."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hex hash Telegram would put beside these fields; what a valid initData carries."""
    message = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def validate(
    init_data: str,
    bot_token: str,
    now: datetime,
    max_age: timedelta = MAX_AGE,
) -> WebAppUser | None:
    """The user, if Telegram signed this initData with our bot's key and not too long ago.

    None (the public page) when the data is garbled, a field is repeated, the hash is missing or
    wrong (forged, or any field changed), auth_date is missing, not a number, older than
    `max_age` or ahead of `now` by more than FUTURE_SKEW, or the user is missing or not the JSON
    object Telegram sends. `now` without a time zone is taken as UTC.
    """
    fields = _fields(init_data)
    if fields is None or not bot_token:
        return None
    received = fields.get("hash", "")
    expected = sign(fields, bot_token)
    # Constant time: the comparison must not tell a forger how much of the hash was right.
    if not received or not hmac.compare_digest(received.lower().encode(), expected.encode()):
        return None
    auth_date = _auth_date(fields.get("auth_date"))
    if auth_date is None:
        return None
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    if auth_date > now + FUTURE_SKEW or now - auth_date > max_age:
        return None
    return _user(fields.get("user"), auth_date)


def from_request_headers(authorization: str | None, query_value: str | None) -> str | None:
    """The initData a request carries: `Authorization: tma <initData>`, else `?tgWebAppData=`.

    The header wins (the page sends it on every request); the query value serves the first
    load, when the page cannot yet set headers. Another Authorization scheme, or an empty
    value, is no initData.
    """
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() == AUTH_SCHEME and value.strip():
            return value.strip()
    if query_value and query_value.strip():
        return query_value.strip()
    return None


def _fields(init_data: str) -> dict[str, str] | None:
    """The decoded fields, each exactly once; None for anything that is not such a query."""
    if not init_data or len(init_data) > MAX_LENGTH:
        return None
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated key: which one did Telegram sign?
        return None
    return fields


def _auth_date(value: str | None) -> datetime | None:
    """auth_date is Unix seconds; anything else (missing, signed garbage) is refused."""
    if value is None or not value.isascii() or not value.isdecimal():
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _user(value: str | None, auth_date: datetime) -> WebAppUser | None:
    """The `user` field: a JSON object with an integer id and a first name, as Telegram sends."""
    if value is None:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    user_id, first_name = data.get("id"), data.get("first_name")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(first_name, str):
        return None
    return WebAppUser(
        id=user_id,
        first_name=first_name,
        last_name=_optional_text(data.get("last_name")),
        username=_optional_text(data.get("username")),
        language_code=_optional_text(data.get("language_code")),
        auth_date=auth_date,
    )


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class OnceOnly:
    """initData arriving as `?tgWebAppData=` is honoured once: a link with it copied, shared or
    written to a proxy's access log must not open a moderator's view again — neither as a link
    nor sent on as the header. The header alone (what the Mini App's script sends, from the
    fragment, which never reaches a server) is not limited. Remembered in memory until the
    initData would be stale anyway (`MAX_AGE` after its auth_date); a restart forgets — the
    data is then still at most 24 hours old."""

    def __init__(self) -> None:
        self._used: dict[bytes, datetime] = {}  # digest of the initData → when it goes stale

    def allows(self, init_data: str, user: WebAppUser, now: datetime, *, in_link: bool) -> bool:
        """Whether this valid initData may vouch for its user: in a link the first time only
        (then it is burnt); as the header unless it has been burnt in a link before."""
        for digest, stale in list(self._used.items()):
            if stale <= now:
                del self._used[digest]
        digest = hashlib.sha256(init_data.encode()).digest()
        if digest in self._used:
            return False
        if in_link:
            self._used[digest] = user.auth_date + MAX_AGE
        return True
