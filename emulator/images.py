"""Photo sizes as Telegram makes them, and a real PNG of any size for tests that need one.

Telegram stores every photo in several renditions (PhotoSize), each with its own file_id, the
largest last; bots usually take `photo[-1]`. The emulator reports the same ladder of sizes
but keeps one set of bytes: it does not re-encode, so every rendition downloads as the
original image.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

# The longest side of each rendition Telegram makes (its "s", "m", "x", "y" and "w" sizes).
PHOTO_SIDES = (90, 320, 800, 1280, 2560)
# sendPhoto's documented limits: "width and height must not exceed 10000 in total", "ratio at
# most 20"; Telegram answers PHOTO_INVALID_DIMENSIONS beyond them.
PHOTO_MAX_SIDES_SUM = 10_000
PHOTO_MAX_RATIO = 20


def photo_ladder(width: int, height: int) -> list[tuple[int, int]]:
    """The (width, height) of each rendition of a width×height photo, smallest first."""
    longest = max(width, height, 1)
    sizes: list[tuple[int, int]] = []
    for side in PHOTO_SIDES:
        if side >= longest:
            break
        scale = side / longest
        sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
    top = min(longest, PHOTO_SIDES[-1]) / longest
    sizes.append((max(1, round(width * top)), max(1, round(height * top))))
    return sizes


def valid_photo_dimensions(width: int, height: int) -> bool:
    if width <= 0 or height <= 0 or width + height > PHOTO_MAX_SIDES_SUM:
        return False
    return max(width, height) / min(width, height) <= PHOTO_MAX_RATIO


@lru_cache(maxsize=16)
def sample_png(width: int, height: int, shade: int = 200) -> bytes:
    """A width×height grey PNG: a real image, a few kilobytes, for photos a test sends."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + bytes([shade]) * width  # filter byte, then the pixels
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
