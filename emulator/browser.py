"""A real browser for the web board's tests and the demo: Debian's Chromium, driven by
Playwright, headless, on pages served on 127.0.0.1.

What a visit reports is what a reader would notice: the page's console errors (a script that
threw, a picture or a stylesheet that did not load), whether the page scrolls sideways, and
a screenshot of the whole page. Playwright's own browser downloads are never used: the
Makefile installs Debian's `chromium` (like the CJK font), and `MULIN_CHROMIUM` may name
another binary.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from playwright.async_api import Browser as PlaywrightBrowser
from playwright.async_api import ConsoleMessage, Page, Playwright, async_playwright

# The sizes the board must read well at (CSS pixels): a common phone, a desk, and the narrowest
# phone SPEC promises no sideways scroll on.
VIEWPORTS: dict[str, tuple[int, int]] = {
    "phone": (390, 844),
    "desk": (1280, 800),
    "narrow": (360, 740),
}
PHONES = ("phone", "narrow")
# Headless as root on a machine without a network beyond localhost: no sandbox (root), no
# GPU, and none of Chromium's own calls home, which this closed network refuses noisily.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

# What a screen reader needs and the page does not give: a picture without alt text (alt=""
# marks a decoration, as Leaflet's tiles), a form field without a label, not one <h1>.
UNLABELLED = """() => {
  const found = [];
  document.querySelectorAll("img:not([alt])").forEach((img) => found.push("img " + img.src));
  document.querySelectorAll("select, textarea, input:not([type=hidden])").forEach((field) => {
    if (!field.labels.length && !field.getAttribute("aria-label")) found.push(field.outerHTML);
  });
  const headings = document.querySelectorAll("h1").length;
  if (headings !== 1) found.push(headings + " h1");
  return found;
}"""


class NoChromium(RuntimeError):
    """Chromium is not installed: `make test` / `make demo` install Debian's `chromium`."""


def chromium_path() -> str:
    """The Chromium binary: MULIN_CHROMIUM, else Debian's /usr/bin/chromium, else on PATH."""
    named = os.environ.get("MULIN_CHROMIUM")
    for candidate in (named, "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise NoChromium(
        "no Chromium: apt-get install chromium (make test and make demo do), "
        "or set MULIN_CHROMIUM to a Chromium binary"
    )


@dataclass
class Visit:
    """One page as a reader at one size saw it."""

    url: str  # where the page ended (after `then`)
    viewport: str
    status: int
    errors: list[str] = field(default_factory=list)
    overflow: int = 0  # CSS pixels the page is wider than the window (0: no sideways scroll)
    text: str = ""
    lang: str = ""
    unlabelled: list[str] = field(default_factory=list)  # what a screen reader could not name
    landed: str = ""  # the address bar on the first page, once its scripts ran


class Browser:
    """`async with Browser() as browser: visit = await browser.visit(url, "phone")`."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None

    async def __aenter__(self) -> Self:
        path = chromium_path()
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=path, args=list(FLAGS)
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    async def visit(
        self,
        url: str,
        viewport: str,
        *,
        screenshot: Path | None = None,
        wait_for: str | None = None,
        then: str | None = None,
    ) -> Visit:
        """Open `url` in a fresh window of the named size; wait for the page (and for the CSS
        selector `wait_for`, if given); follow the link `then` (a CSS selector), if given;
        report it, and save a screenshot of the whole page if asked."""
        assert self._browser is not None, "use Browser in `async with`"
        width, height = VIEWPORTS[viewport]
        phone = viewport in PHONES
        context = await self._browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
        )
        try:
            page = await context.new_page()
            errors = _collect_errors(page)
            response = await page.goto(url, wait_until="networkidle")
            if wait_for:
                await page.wait_for_selector(wait_for, state="attached")
            landed = page.url
            if then:
                async with page.expect_navigation(wait_until="networkidle"):
                    await page.click(then)
                if wait_for:
                    await page.wait_for_selector(wait_for, state="attached")
            visit = Visit(
                url=page.url,
                viewport=viewport,
                status=response.status if response is not None else 0,
                errors=errors,
                overflow=await page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                ),
                text=await page.inner_text("body"),
                lang=await page.evaluate("document.documentElement.lang"),
                unlabelled=await page.evaluate(UNLABELLED),
                landed=landed,
            )
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(screenshot), full_page=True)
            return visit
        finally:
            await context.close()


def _collect_errors(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and failed loads, as they happen."""
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"exception: {error}"))
    page.on(
        "requestfailed",
        lambda request: errors.append(f"failed: {request.url} {request.failure}"),
    )
    return errors
