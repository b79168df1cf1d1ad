"""How issues are named for people: categories, priorities, states, boards (msgids, translated
where they are shown), and the callback prefixes of the issues' buttons."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.i18n import N_, Translator

Names = Callable[[int | None], str]  # a person's name, by user id

ISSUE = "iss"  # callback prefix: iss:<action>:<issue id>
FIXED = "fix"  # fix:yes|no:<issue id>
DUPLICATE = "dupl"  # dupl:follow:<issue id>:<draft id> | dupl:anyway:<draft id>
BOARD = "brd"  # brd:<scope>:<id>:<state|all>:<page>:<n|e>

CATEGORY_NAMES: dict[str, str] = {
    "parking": N_("🔌 Parking & EV charging"),
    "lighting": N_("💡 Lighting"),
    "fire": N_("🧯 Fire safety"),
    "drainage": N_("🚰 Drainage & sewage"),
    "cctv": N_("📹 CCTV"),
    "gas": N_("🔥 Gas"),
    "sanitation": N_("🧹 Sanitation"),
    "noise": N_("🔊 Noise"),
    "facilities": N_("🏗 Facilities"),
    "other": N_("📌 Other"),
}
PRIORITY_NAMES: dict[str, str] = {
    "minor": N_("minor"),
    "major": N_("major"),
    "urgent": N_("urgent"),
}
STATE_NAMES: dict[str, str] = {
    "open": N_("open"),
    "escalated": N_("escalated"),
    "resolved": N_("resolved"),
    "rejected": N_("rejected"),
}
BOARD_NAMES: dict[str, str] = {
    "open": N_("Residents say"),
    "escalated": N_("Property says"),
    "resolved": N_("Community says"),
}


def category_name(t: Translator, key: str) -> str:
    return t._(CATEGORY_NAMES.get(key, CATEGORY_NAMES["other"]))


def priority_name(t: Translator, key: str) -> str:
    return t._(PRIORITY_NAMES.get(key, PRIORITY_NAMES["minor"]))


def state_name(t: Translator, key: str) -> str:
    return t._(STATE_NAMES[key])


def body_name(t: Translator, key: str) -> str:
    """A responsible body as people read it: 物业 / Property, 社区 / Community, or its own name."""
    if key == "property":
        return t.p_("body", "Property")
    if key == "community":
        return t.p_("body", "Community")
    return key
