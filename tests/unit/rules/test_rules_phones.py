"""Phone numbers: mainland mobile and landline forms accepted and normalised, others refused."""

import pytest

from bot.directory.rules import normalize_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0595-85123456", "0595-85123456"),
        ("059585123456", "0595-85123456"),
        ("(0595) 8512345", "0595-8512345"),
        ("010-12345678", "010-12345678"),
        ("0595-85123456转808", "0595-85123456 转808"),
    ],
)
def test_accepted(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12345",
        "1381234567",
        "23812345678",
        "12812345678",
        "phone",
        "",
        "0595-123",
        "110",
        "+1 212 555 0100",
    ],
)
def test_refused(text: str) -> None:
    assert normalize_phone(text) is None
