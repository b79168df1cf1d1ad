"""Languages: how a reader's locale is chosen, and times shown in MULIN_TZ by Babel."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.i18n import Catalogs


def test_locale_resolution_order() -> None:
    catalogs = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai"))
    assert catalogs.for_user("en", "zh-hans").locale == "en"  # /lang choice first
    assert catalogs.for_user(None, "en-GB").locale == "en"  # then Telegram's language_code
    assert catalogs.for_user(None, "zh-hant").locale == "zh_CN"
    assert catalogs.for_user(None, "fr").locale == "zh_CN"  # then MULIN_LOCALE
    assert Catalogs("en", ZoneInfo("UTC")).for_user(None, None).locale == "en"


def test_times_are_shown_in_the_configured_zone_per_locale() -> None:
    moment = datetime(2026, 11, 15, 11, 30, tzinfo=UTC)
    shanghai = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai"))
    assert shanghai.get("zh_CN").when(moment) == "11月15日周日 19:30"
    assert shanghai.get("en").when(moment) == "Sun, Nov 15 19:30"
    london = Catalogs("zh_CN", ZoneInfo("Europe/London"))
    assert london.get("en").when(moment) == "Sun, Nov 15 11:30"


def test_messages_and_plurals_come_from_the_catalogs() -> None:
    catalogs = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai"))
    zh, en = catalogs.get("zh_CN"), catalogs.get("en")
    assert zh._("grid worker") == "网格员"
    assert en._("grid worker") == "grid worker"
    assert zh.p_("list separator", ", ") == "、"
    assert zh.display_name == "中文" and en.display_name == "English"
