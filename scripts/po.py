"""Catalog chores for `make i18n`: English msgids are their own translation; list what is missing.

usage: python scripts/po.py fill-en | missing | zh MSGID MSGSTR [CONTEXT]
(`zh` sets the Chinese translation of one msgid, e.g. one that `missing` listed)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "bot" / "locales"


def _load(locale: str):  # type: ignore[no-untyped-def]
    path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return path, read_po(f, locale=locale)


def fill_en() -> None:
    path, catalog = _load("en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False)


def missing() -> int:
    count = 0
    for locale in ("zh_CN", "en"):
        _, catalog = _load(locale)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or message.fuzzy:
                print(f"{locale}: {message.id!r}")
                count += 1
    return count


def set_zh(msgid: str, msgstr: str, context: str | None = None) -> None:
    """One translation; a plural msgid (its singular given) gets the one form Chinese has."""
    path, catalog = _load("zh_CN")
    message = catalog.get(msgid, context=context)
    if message is None:
        sys.exit(f"no msgid {msgid!r} in zh_CN: run `make i18n` first")
    message.string = (msgstr,) if isinstance(message.id, (tuple, list)) else msgstr
    message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    if sys.argv[1:] == ["fill-en"]:
        fill_en()
    elif sys.argv[1:] == ["missing"]:
        sys.exit(1 if missing() else 0)
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "zh":
        set_zh(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else None)
    else:
        sys.exit(__doc__)
