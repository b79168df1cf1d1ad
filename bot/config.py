"""Settings, read once from the environment in main() and passed down (SPEC.md, Settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_MAP_ATTRIBUTION = "© OpenStreetMap contributors"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable so that it can be fixed."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str
    db_path: Path
    tz: ZoneInfo
    locale: str
    admins: frozenset[int]
    # Telegram's limits for bots, which the bot paces itself to (0: no pacing, e.g. behind a
    # local Bot API server or with paid broadcasts): messages a second overall, a minute per group.
    rate_overall: float = 30.0
    rate_group: float = 20.0
    # A group card (issue, activity) is edited at most once in this many seconds.
    card_edit_seconds: float = 10.0
    # The web board's public base URL (no trailing slash): cards and /board link to it and the
    # menu button opens it as a Mini App; None leaves the bot exactly as without a web board.
    web_url: str | None = None
    # The web board's cache of residents' photos (fetched once from Telegram), in megabytes.
    media_cache_mb: float = 200.0
    # The web map's tiles (a {z}/{x}/{y} URL template) and their credit; None: no tiles, the
    # markers on a blank map and the list (a board that must not call a third party).
    map_tiles: str | None = DEFAULT_MAP_TILES
    map_attribution: str = DEFAULT_MAP_ATTRIBUTION

    def require_token(self) -> str:
        """`run` and `demo` cannot work without a token, but `migrate` and `export` can."""
        if not self.token:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN", "is required; get one from @BotFather and set it"
            )
        return self.token

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        if token is not None and (":" not in token or any(c.isspace() for c in token)):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN", "does not look like a bot token (123456:ABC…)"
            )

        api_url = env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError(
                "TELEGRAM_API_URL", f"must start with http:// or https:// ({api_url!r})"
            )

        tz_name = env.get("MULIN_TZ", "").strip() or "Asia/Shanghai"
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                "MULIN_TZ", f"unknown time zone {tz_name!r} (e.g. Asia/Shanghai)"
            ) from None

        locale = normalize_locale(env.get("MULIN_LOCALE", "").strip() or "zh_CN")
        if locale is None:
            raise SettingsError(
                "MULIN_LOCALE",
                f"unsupported locale {env.get('MULIN_LOCALE')!r}; use one of {', '.join(SUPPORTED_LOCALES)}",
            )

        admins: set[int] = set()
        for part in env.get("MULIN_ADMINS", "").replace(" ", "").split(","):
            if not part:
                continue
            if not part.lstrip("-").isdecimal():
                raise SettingsError("MULIN_ADMINS", f"{part!r} is not a Telegram user id (digits)")
            admins.add(int(part))

        db_path = Path(env.get("MULIN_DB", "").strip() or "data/mulin.sqlite3")
        web_url = parse_web_url(env.get("MULIN_WEB_URL", ""))
        rates = _numbers(env)
        return cls(
            token=token,
            api_url=api_url.rstrip("/"),
            db_path=db_path,
            tz=tz,
            locale=locale,
            admins=frozenset(admins),
            rate_overall=rates[0],
            rate_group=rates[1],
            card_edit_seconds=rates[2],
            web_url=web_url,
            media_cache_mb=rates[3],
            map_tiles=parse_map_tiles(env.get("MULIN_MAP_TILES")),
            map_attribution=env.get("MULIN_MAP_ATTRIBUTION", "").strip() or DEFAULT_MAP_ATTRIBUTION,
        )


NUMBERS = (
    ("MULIN_RATE_OVERALL", 30.0),
    ("MULIN_RATE_GROUP", 20.0),
    ("MULIN_CARD_EDIT_SECONDS", 10.0),
    ("MULIN_MEDIA_CACHE_MB", 200.0),
)


def _numbers(env: Mapping[str, str]) -> list[float]:
    """The numeric settings of NUMBERS, in order: each a number, never negative."""
    found = []
    for variable, default in NUMBERS:
        text = env.get(variable, "").strip()
        try:
            number = float(text) if text else default
        except ValueError:
            raise SettingsError(variable, f"{text!r} is not a number") from None
        if number < 0:
            raise SettingsError(variable, "cannot be negative (0 turns the limit off)")
        found.append(number)
    return found


def parse_map_tiles(value: str | None) -> str | None:
    """MULIN_MAP_TILES: unset → OpenStreetMap's tiles; `none` or empty → no tiles at all (the
    operator chose not to send readers' browsers to a tile server); else an http(s) template
    with {z}, {x} and {y}, as Leaflet reads it."""
    if value is None:
        return DEFAULT_MAP_TILES
    text = value.strip()
    if text.lower() in ("", "none"):
        return None
    if not text.startswith(("http://", "https://")) or any(
        part not in text for part in ("{z}", "{x}", "{y}")
    ):
        raise SettingsError(
            "MULIN_MAP_TILES",
            f"must be an http(s) URL template with {{z}}, {{x}} and {{y}}, or none ({text!r})",
        )
    return text


def parse_web_url(value: str) -> str | None:
    """MULIN_WEB_URL: an absolute http(s) URL with a host, kept without its trailing slash.

    Telegram refuses a button whose URL is not absolute, and a Mini App must be https in
    production; http stays allowed for a local board in development and tests. Empty: unset.
    """
    text = value.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        _ = parts.port  # a malformed port raises here, not in the first link we send
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable or any(c.isspace() for c in text):
        raise SettingsError(
            "MULIN_WEB_URL", f"must be an http:// or https:// URL with a host ({text!r})"
        )
    if parts.query or parts.fragment:
        raise SettingsError("MULIN_WEB_URL", f"must be a base URL, without ? or # ({text!r})")
    return text.rstrip("/")


def normalize_locale(value: str | None) -> str | None:
    """Map the spellings people and Telegram use (zh, zh-hans, zh_CN, en-US…) to a catalog."""
    if not value:
        return None
    v = value.strip().replace("-", "_").lower()
    if v in {"zh", "中文", "简体中文", "汉语", "cn"} or v.startswith("zh"):
        return "zh_CN"
    if v in {"en", "english", "英文", "英语"} or v.startswith("en"):
        return "en"
    return None
