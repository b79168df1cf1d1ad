"""Every user-facing string exists in zh_CN and en, with the same placeholders and HTML tags."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh_CN", "en")
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "p_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Only Telegram's HTML tags count: "<community>" in a usage line is escaped text, not a tag.
TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|a|blockquote|tg-spoiler|span)\b[^>]*>"
)


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (ROOT / "bot" / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def code_msgids() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "bot"),
        method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None, "n_": (1, 2), "p_": ((1, "c"), 2)},
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_in_the_code_is_in_the_catalog(locale: str) -> None:
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog(locale) if m.id}
    missing = code_msgids() - ids
    assert not missing, f"run `make i18n` and translate: {sorted(missing, key=str)[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_is_translated(locale: str) -> None:
    untranslated = [
        m.id
        for m in catalog(locale)
        if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    fuzzy = [m.id for m in catalog(locale) if m.id and m.fuzzy]
    assert not untranslated, untranslated[:5]
    assert not fuzzy, fuzzy[:5]


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_tags_match(locale: str) -> None:
    problems = []
    for m in catalog(locale):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for source in ids[:1]:
            for target in strings:
                if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                    problems.append(("placeholders", source, target))
                if sorted(TAG.findall(source)) != sorted(TAG.findall(target)):
                    problems.append(("tags", source, target))
    assert not problems, problems[:3]


def test_chinese_is_really_chinese() -> None:
    """A zh_CN catalog that copied the English would pass the tests above; this one would not."""
    zh = [
        m
        for m in catalog("zh_CN")
        if m.id and isinstance(m.id, str) and re.search("[a-z]{4}", m.id)
    ]
    same = [m.id for m in zh if m.string == m.id and not m.id.startswith("/")]
    assert len(same) <= len(zh) // 10, same[:5]
