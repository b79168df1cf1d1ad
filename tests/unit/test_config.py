"""Settings come from the environment exactly as SPEC's table says, and bad values name the variable."""

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError


def test_defaults_match_the_spec() -> None:
    s = Settings.from_env({})
    assert s.token is None
    assert s.api_url == "https://api.telegram.org"
    assert s.db_path == Path("data/mulin.sqlite3")
    assert s.tz.key == "Asia/Shanghai"
    assert s.locale == "zh_CN"
    assert s.admins == frozenset()
    assert (s.rate_overall, s.rate_group) == (30.0, 20.0)  # Telegram's limits


def test_values_are_read_and_normalised() -> None:
    s = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "123:ABC",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "MULIN_DB": "/tmp/x.sqlite3",
            "MULIN_TZ": "Europe/London",
            "MULIN_LOCALE": "en_US",
            "MULIN_ADMINS": "1, 22,333",
        }
    )
    assert s.require_token() == "123:ABC"
    assert s.api_url == "http://127.0.0.1:8081"
    assert s.tz.key == "Europe/London"
    assert s.locale == "en"
    assert s.admins == {1, 22, 333}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"MULIN_TZ": "Mars/Olympus"}, "MULIN_TZ"),
        ({"MULIN_LOCALE": "fr"}, "MULIN_LOCALE"),
        ({"MULIN_ADMINS": "12,abc"}, "MULIN_ADMINS"),
        ({"TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": "no colon"}, "TELEGRAM_BOT_TOKEN"),
        ({"MULIN_RATE_OVERALL": "fast"}, "MULIN_RATE_OVERALL"),
        ({"MULIN_RATE_GROUP": "-1"}, "MULIN_RATE_GROUP"),
    ],
)
def test_bad_values_name_their_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    assert err.value.variable == variable
    assert str(err.value).startswith(variable)


def test_a_token_is_required_to_run() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        Settings.from_env({}).require_token()


def test_the_web_url_is_unset_by_default_and_kept_without_its_slash() -> None:
    assert Settings.from_env({}).web_url is None
    assert Settings.from_env({"MULIN_WEB_URL": "  "}).web_url is None
    s = Settings.from_env({"MULIN_WEB_URL": "https://board.example.cn/mulin/"})
    assert s.web_url == "https://board.example.cn/mulin"
    assert Settings.from_env({"MULIN_WEB_URL": "http://127.0.0.1:8080"}).web_url == (
        "http://127.0.0.1:8080"
    )


@pytest.mark.parametrize(
    "value",
    [
        "board.example.cn",
        "ftp://board.example.cn",
        "https://",
        "https://x/?a=1",
        "http://x:port",
        "https://a b",
    ],
)
def test_a_bad_web_url_names_its_variable(value: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"MULIN_WEB_URL": value})
    assert err.value.variable == "MULIN_WEB_URL"
