"""The Mini App's initData is believed only when Telegram signed it for our bot, recently.

The helper `_telegram_init_data` signs fields exactly as Telegram documents it, written out
plainly here rather than by calling the module under test; the known vector was computed once
with `openssl dgst -sha256 -mac HMAC` (an implementation that shares no code with ours) and pasted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from bot.web.initdata import WebAppUser, from_request_headers, validate

TOKEN = "123456:TEST-token_for-vectors"
SIGNED_AT = datetime(2024, 12, 6, 8, 0, tzinfo=UTC)  # auth_date 1733472000
USER = {
    "id": 4242,
    "first_name": "春英",
    "last_name": "杨",
    "username": "yang_cy",
    "language_code": "zh-hans",
}

# Computed once, independently:
#   KEY=$(printf '%s' "$TOKEN" | openssl dgst -sha256 -mac HMAC -macopt key:WebAppData -hex)
#   printf 'auth_date=1733472000\nquery_id=…\nuser={…}' \
#     | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -hex
KNOWN_VECTOR = (
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A4242%2C%22first_name%22%3A%22"
    "%E6%98%A5%E8%8B%B1%22%2C%22last_name%22%3A%22%E6%9D%A8%22%2C%22username%22%3A%22"
    "yang_cy%22%2C%22language_code%22%3A%22zh-hans%22%7D&auth_date=1733472000"
    "&hash=7b5d3073945ae0155292b09ddc3dac0975abb0c0d7f99a2095bb0bdc96028fd7"
)


def _telegram_init_data(
    fields: dict[str, str], token: str = TOKEN, *, hash_value: str | None = None
) -> str:
    """initData as a Telegram client hands it to the page: the fields URL-encoded, plus hash."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest if hash_value is None else hash_value})


def _fields(**overrides: str) -> dict[str, str]:
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(USER, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(SIGNED_AT.timestamp())),
    }
    fields.update(overrides)
    return fields


def test_the_known_vector_is_valid_and_names_the_user() -> None:
    user = validate(KNOWN_VECTOR, TOKEN, now=SIGNED_AT + timedelta(hours=1))
    assert user == WebAppUser(
        id=4242,
        first_name="春英",
        last_name="杨",
        username="yang_cy",
        language_code="zh-hans",
        auth_date=SIGNED_AT,
    )
    assert user.full_name == "春英 杨"


def test_a_correctly_signed_init_data_is_valid() -> None:
    user = validate(_telegram_init_data(_fields()), TOKEN, now=SIGNED_AT)
    assert user is not None
    assert (user.id, user.username) == (4242, "yang_cy")


def test_extra_fields_telegram_adds_are_signed_too() -> None:
    fields = _fields(chat_type="private", chat_instance="-123", signature="abc")
    assert validate(_telegram_init_data(fields), TOKEN, now=SIGNED_AT) is not None


def test_another_bots_token_does_not_validate() -> None:
    assert validate(KNOWN_VECTOR, "654321:other-bot", now=SIGNED_AT) is None


def test_a_forged_hash_is_refused() -> None:
    forged = _telegram_init_data(_fields(), hash_value="0" * 64)
    assert validate(forged, TOKEN, now=SIGNED_AT) is None


def test_a_changed_field_is_refused() -> None:
    someone_else = json.dumps({**USER, "id": 1}, separators=(",", ":"))
    tampered = KNOWN_VECTOR.replace("%22id%22%3A4242", "%22id%22%3A1")
    assert tampered != KNOWN_VECTOR
    assert validate(tampered, TOKEN, now=SIGNED_AT) is None
    # the signed fields of one user with another's user field
    good = _telegram_init_data(_fields())
    swapped = good.replace(
        urlencode({"user": _fields()["user"]}), urlencode({"user": someone_else})
    )
    assert validate(swapped, TOKEN, now=SIGNED_AT) is None


def test_an_added_field_is_refused() -> None:
    assert validate(KNOWN_VECTOR + "&start_param=x", TOKEN, now=SIGNED_AT) is None


def test_a_repeated_field_is_refused() -> None:
    assert validate(KNOWN_VECTOR + "&auth_date=1733472000", TOKEN, now=SIGNED_AT) is None


def test_exactly_24_hours_is_still_accepted() -> None:
    assert validate(KNOWN_VECTOR, TOKEN, now=SIGNED_AT + timedelta(hours=24)) is not None


def test_older_than_24_hours_is_refused() -> None:
    later = SIGNED_AT + timedelta(hours=24, seconds=1)
    assert validate(KNOWN_VECTOR, TOKEN, now=later) is None


def test_a_shorter_max_age_is_honoured() -> None:
    later = SIGNED_AT + timedelta(hours=2)
    assert validate(KNOWN_VECTOR, TOKEN, now=later, max_age=timedelta(hours=1)) is None


def test_a_date_in_the_future_is_refused_beyond_a_little_skew() -> None:
    assert validate(KNOWN_VECTOR, TOKEN, now=SIGNED_AT - timedelta(seconds=30)) is not None
    assert validate(KNOWN_VECTOR, TOKEN, now=SIGNED_AT - timedelta(hours=1)) is None


def test_a_naive_now_is_taken_as_utc() -> None:
    assert validate(KNOWN_VECTOR, TOKEN, now=SIGNED_AT.replace(tzinfo=None)) is not None


def test_a_missing_hash_is_refused() -> None:
    unsigned = urlencode(_fields())
    assert validate(unsigned, TOKEN, now=SIGNED_AT) is None
    assert validate(unsigned + "&hash=", TOKEN, now=SIGNED_AT) is None


@pytest.mark.parametrize("auth_date", [None, "", "yesterday", "-5", "1e9", "１７３３４７２０００"])
def test_a_missing_or_garbled_auth_date_is_refused(auth_date: str | None) -> None:
    fields = _fields()
    if auth_date is None:
        del fields["auth_date"]
    else:
        fields["auth_date"] = auth_date
    assert validate(_telegram_init_data(fields), TOKEN, now=SIGNED_AT) is None


def test_a_missing_user_is_refused() -> None:
    fields = _fields()
    del fields["user"]
    assert validate(_telegram_init_data(fields), TOKEN, now=SIGNED_AT) is None


@pytest.mark.parametrize(
    "user",
    [
        "not json",
        "[4242]",
        '{"first_name":"春英"}',
        '{"id":"4242","first_name":"春英"}',
        '{"id":true,"first_name":"春英"}',
        '{"id":4242}',
    ],
)
def test_a_user_that_is_not_telegrams_json_is_refused(user: str) -> None:
    init_data = _telegram_init_data(_fields(user=user))
    assert validate(init_data, TOKEN, now=SIGNED_AT) is None


@pytest.mark.parametrize("garbage", ["", "hash", "&&&", "%zz=1", "a" * 20_000])
def test_garbage_is_refused_not_raised(garbage: str) -> None:
    assert validate(garbage, TOKEN, now=SIGNED_AT) is None


def test_no_token_validates_nothing() -> None:
    assert validate(KNOWN_VECTOR, "", now=SIGNED_AT) is None


def test_init_data_comes_from_the_tma_authorization_header() -> None:
    assert from_request_headers(f"tma {KNOWN_VECTOR}", None) == KNOWN_VECTOR
    assert from_request_headers(f"TMA  {KNOWN_VECTOR} ", None) == KNOWN_VECTOR
    # the header wins over the query parameter
    assert from_request_headers(f"tma {KNOWN_VECTOR}", "other") == KNOWN_VECTOR


def test_without_the_header_init_data_comes_from_the_query_parameter() -> None:
    assert from_request_headers(None, KNOWN_VECTOR) == KNOWN_VECTOR
    assert from_request_headers("Bearer abc", KNOWN_VECTOR) == KNOWN_VECTOR


# A real initData as Telegram now sends it, with the Ed25519 `signature` field beside `hash`
# (published by the Telegram-Mini-Apps project's init-data-golang documentation, with its
# token). The HMAC check covers every field but `hash` — `signature` included.
SIGNED_BY_TELEGRAM = (
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F"
    "%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code"
    "%22%3A%22ru%22%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url"
    "%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDi"
    "h13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_type=private"
    "&auth_date=1733509682&signature=TYJxVcisqbWjtodPepiJ6ghziUL94-KNpG8Pau-X7oNNLNBM72APCpi_RK"
    "iUlBvcqo5L-LAxIc3dnTzcZX_PDg"
    "&hash=a433d8f9847bd6addcc563bff7cc82c89e97ea0d90c11fe5729cae6796a36d73"
)
SIGNED_BY_TELEGRAM_TOKEN = "7342037359:AAHI25ES9xCOMPokpYoz-p8XVrZUdygo2J4"


def test_telegrams_own_init_data_with_a_signature_field_is_valid() -> None:
    signed_at = datetime.fromtimestamp(1733509682, UTC)
    user = validate(SIGNED_BY_TELEGRAM, SIGNED_BY_TELEGRAM_TOKEN, signed_at + timedelta(minutes=1))
    assert user is not None and user.id == 279058397
    assert user.first_name == "Vladislav + - ? /" and user.last_name == "Kibenko"


@pytest.mark.parametrize(
    ("authorization", "query"),
    [(None, None), ("", ""), ("tma", None), ("tma   ", None), ("Bearer abc", None), (None, " ")],
)
def test_no_init_data_without_either_form(authorization: str | None, query: str | None) -> None:
    assert from_request_headers(authorization, query) is None


def test_both_forms_end_in_a_valid_user() -> None:
    for authorization, query in ((f"tma {KNOWN_VECTOR}", None), (None, KNOWN_VECTOR)):
        init_data = from_request_headers(authorization, query)
        assert init_data is not None
        assert validate(init_data, TOKEN, now=SIGNED_AT) is not None
