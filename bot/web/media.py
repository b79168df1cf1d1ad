"""Residents' photos at /media/<id>: fetched once from Telegram, then served from a disk cache.

The board never holds photos of its own: the bot keeps Telegram file ids only. A photo is
fetched through the Bot API (getFile, then the file download) the first time someone asks
for it, kept in `<MULIN_DB dir>/media-cache/` (capped at MULIN_MEDIA_CACHE_MB, the least
recently served evicted first) and served from there ever after: a /media/ id never changes
meaning (an issue's photos are only ever appended), so browsers may cache it forever.

The bot token is in the Bot API's URLs, so those URLs are never logged, never put in an
exception message we log, and never reach the browser. Concurrent requests for one uncached
photo wait on a per-id lock, so Telegram is asked once.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import os
from pathlib import Path

import aiohttp

log = logging.getLogger(__name__)

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Telegram hands bots files of up to 20 MB
TIMEOUT = aiohttp.ClientTimeout(total=30)
# What a photo's first bytes say it is; a file that is no image is never served.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def content_type(data: bytes, telegram_path: str = "") -> str | None:
    """The image type, from the bytes first (Telegram's path suffix may lie), else the path."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    guessed = mimetypes.guess_type(telegram_path)[0] if telegram_path else None
    return guessed if guessed is not None and guessed.startswith("image/") else None


class DiskCache:
    """Files named by media id in one folder, at most `cap` bytes in all."""

    def __init__(self, folder: Path, cap: int) -> None:
        self.folder = folder
        self.cap = cap

    def path(self, media: str) -> Path:
        return self.folder / media  # media ids are digits and one dash (parse_media_id)

    def read(self, media: str) -> bytes | None:
        path = self.path(media)
        try:
            data = path.read_bytes()
            os.utime(path)  # served: the newest, the last to be evicted
        except OSError:
            return None
        return data

    def write(self, media: str, data: bytes) -> None:
        """Keep the photo (atomically: a reader never sees half a file), then evict the least
        recently served files until the folder fits its cap. A photo larger than the cap is
        not kept at all."""
        if len(data) > self.cap:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{media}.part"
        partial.write_bytes(data)
        os.replace(partial, self.path(media))
        self.evict(keep=media)

    def evict(self, keep: str) -> None:
        files = []
        for entry in os.scandir(self.folder):
            if entry.is_file() and not entry.name.startswith("."):
                stat = entry.stat()
                files.append((stat.st_mtime_ns, entry.name, stat.st_size))
        total = sum(size for _, _, size in files)
        for _, name, size in sorted(files):
            if total <= self.cap:
                break
            if name == keep:
                continue
            try:
                (self.folder / name).unlink()
            except OSError:
                continue
            total -= size


class Telegram:
    """The two Bot API calls a photo needs. Errors come back as None with a log line that
    names the media id and the kind of failure, never a URL (it holds the token)."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url = api_url
        self.token = token
        self.session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def download(self, media: str, file_id: str) -> tuple[bytes, str] | None:
        """The file's bytes and Telegram's path for it, or None when Telegram will not give
        them (unknown or too big a file, Telegram down)."""
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            async with self.session.get(
                f"{self.api_url}/bot{self.token}/getFile", params={"file_id": file_id}
            ) as response:
                answer = await response.json(content_type=None)
            result = answer.get("result") if isinstance(answer, dict) else None
            path = result.get("file_path") if isinstance(result, dict) else None
            if not isinstance(path, str) or not path:
                description = answer.get("description") if isinstance(answer, dict) else None
                log.warning("media %s: getFile refused (%s)", media, description)
                return None
            if path.startswith(("voice/", "music/", "videos/", "video_notes/")):
                log.warning("media %s: not a photo, not served", media)
                return None
            async with self.session.get(f"{self.api_url}/file/bot{self.token}/{path}") as got:
                if got.status != 200:
                    log.warning("media %s: download answered %d", media, got.status)
                    return None
                data = await got.content.read(DOWNLOAD_LIMIT + 1)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            # str(exc) of a client error may carry the URL, and so the token: the type only.
            log.warning("media %s: Telegram could not be reached (%s)", media, type(exc).__name__)
            return None
        if len(data) > DOWNLOAD_LIMIT:
            log.warning("media %s: larger than Telegram's download limit", media)
            return None
        return data, path


class MediaStore:
    """A photo by media id: from the disk cache, else from Telegram once (a lock per id)."""

    def __init__(self, cache: DiskCache, telegram: Telegram | None) -> None:
        self.cache = cache
        self.telegram = telegram
        self.locks: dict[str, asyncio.Lock] = {}

    async def get(self, media: str, file_id: str) -> tuple[bytes, str] | None:
        """(bytes, content type), or None: no token, Telegram refused, or not an image."""
        cached = await asyncio.to_thread(self.cache.read, media)
        if cached is not None:
            kind = content_type(cached)
            return (cached, kind) if kind is not None else None
        if self.telegram is None:
            return None
        # Kept for the process's life: one small lock per photo ever asked for.
        async with self.locks.setdefault(media, asyncio.Lock()):
            cached = await asyncio.to_thread(self.cache.read, media)
            if cached is None:
                got = await self.telegram.download(media, file_id)
                if got is None:
                    return None
                kind = content_type(*got)
                if kind is None:
                    log.warning("media %s: not an image, not served", media)
                    return None
                await asyncio.to_thread(self.cache.write, media, got[0])
                return got[0], kind
        kind = content_type(cached)
        return (cached, kind) if kind is not None else None
