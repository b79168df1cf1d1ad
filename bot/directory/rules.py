"""Phone numbers as people in mainland China write them, checked and normalised.

Mobile: 11 digits starting 13–19 (an optional +86 / 86 in front). Landline: an area code
0xx or 0xxx and a 7–8 digit number (0595-85123456), an optional extension after "转" or "-".
Spaces, dashes and brackets are allowed while typing; the stored form is canonical.
"""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
# Area codes: 010 and 020–029 have three digits, every other one four (0595 is Jinjiang's).
_LANDLINE = re.compile(r"^(0[12]\d|0[3-9]\d{2})(\d{7,8})(?:转(\d{1,5}))?$")


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
