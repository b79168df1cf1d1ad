"""How the web board runs: alone (`python -m bot web --listen HOST:PORT`, read-only beside a
running bot), or in the bot's own process (`python -m bot run --web HOST:PORT`): there its site
starts after the bot's own post_init and stops before its post_shutdown, on the bot's loop."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.config import Settings
from bot.web.server import create_app

log = logging.getLogger(__name__)


class PathOnly(AbstractAccessLogger):
    """One line a request with its path but never its query string nor the Referer: the Mini
    App's first load may carry `?tgWebAppData=` (the viewer's signed name and id)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d %.1f ms", request.method, request.path, response.status, time * 1000
        )


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the board until interrupted (SIGINT/SIGTERM)."""
    log.info("web board on http://%s:%d/ (database %s, read-only)", host, port, settings.db_path)
    web.run_app(create_app(settings), host=host, port=port, print=None, access_log_class=PathOnly)


def attach(application: Any, settings: Settings, host: str, port: int) -> None:
    """Serve the board from a PTB Application's process: chained onto its post_init and
    post_shutdown hooks, so it lives exactly as long as the bot."""
    runner = web.AppRunner(create_app(settings), access_log_class=PathOnly)
    started, stopped = application.post_init, application.post_shutdown

    async def post_init(app: Any) -> None:
        if started is not None:
            await started(app)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.info("web board on http://%s:%d/", host, port)

    async def post_shutdown(app: Any) -> None:
        await runner.cleanup()
        if stopped is not None:
            await stopped(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown
