"""What a roster entry is, as people type it: its kind, a name, a phone number, a building.

Phone numbers as people in mainland China write them, checked and normalised. Mobile: 11 digits
starting 13–19 (an optional +86 / 86 in front). Landline: an area code 0xx or 0xxx and a 7–8
digit number (0595-85123456), an optional extension after "转" or "-". Spaces, dashes and
brackets are allowed while typing; the stored form is canonical.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

KINDS: tuple[str, ...] = ("party", "volunteer", "committee", "building_head", "grid", "property")
# The words people type for each kind (SPEC: either word).
KIND_WORDS: dict[str, str] = {
    "party": "party", "党员": "party",
    "volunteer": "volunteer", "志愿者": "volunteer",
    "committee": "committee", "业委会": "committee",
    "building_head": "building_head", "楼栋长": "building_head",
    "grid": "grid", "网格员": "grid",
    "property": "property", "物业": "property",
}  # fmt: skip
NAME_LIMIT = 30
BUILDING_LIMIT = 30

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
# Area codes: 010 and 020–029 have three digits, every other one four (0595 is Jinjiang's).
_LANDLINE = re.compile(r"^(0[12]\d|0[3-9]\d{2})(\d{7,8})(?:转(\d{1,5}))?$")


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str
    name: str
    phone: str
    building: str | None


class Flaw(StrEnum):
    TOO_FEW = "too_few"  # kind, name and phone are all needed
    KIND = "kind"  # not a kind we know (detail: the word)
    NAME = "name"  # too long or empty
    PHONE = "phone"  # not a phone number (detail: the first word after the name)
    TOO_MANY = "too_many"  # words after the building: a name with spaces needs quotes
    BUILDING = "building"  # too long


@dataclass(frozen=True, slots=True)
class BadContact:
    flaw: Flaw
    detail: str = ""


def normalize_phone(text: str) -> str | None:
    """The canonical number, or None when it is neither a mobile nor a landline number."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    compact = re.sub(r"[\s()（）]", "", cleaned)
    mobile = _MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    main, _, ext = compact.partition("转")
    digits = main.replace("-", "")
    if ext and not ext.isdecimal():
        return None
    landline = _LANDLINE.match(digits + (f"转{ext}" if ext else ""))
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f" 转{extension}" if extension else "")
    return None


def _phone(words: list[str]) -> tuple[str | None, int]:
    """The longest run of leading words that is a phone number (138 1234 5678), and its length."""
    for k in range(len(words), 0, -1):
        phone = normalize_phone(" ".join(words[:k]))
        if phone is not None:
            return phone, k
    return None, 0


def parse_contact(args: list[str]) -> Contact | BadContact:
    """kind, name, phone (spaces allowed inside: 138 1234 5678), then an optional building."""
    if len(args) < 3:
        return BadContact(Flaw.TOO_FEW)
    kind = KIND_WORDS.get(args[0].lower())
    if kind is None:
        return BadContact(Flaw.KIND, args[0])
    name, rest = args[1], args[2:]
    if not 1 <= len(name) <= NAME_LIMIT:
        return BadContact(Flaw.NAME)
    phone, used = _phone(rest)
    if phone is None:
        return BadContact(Flaw.PHONE, rest[0])
    extra = rest[used:]
    if len(extra) > 1:
        return BadContact(Flaw.TOO_MANY)
    building = extra[0] if extra else None
    if building is not None and len(building) > BUILDING_LIMIT:
        return BadContact(Flaw.BUILDING)
    return Contact(kind, name, phone, building)
