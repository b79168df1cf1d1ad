"""Delivering updates to a webhook: one POST per update, in order, retried until it succeeds.

Telegram keeps an update until the webhook answers 2xx and retries otherwise; a bot whose
webhook fails therefore sees the same update again, which is the behaviour worth testing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import aiohttp

from .backend import Activity
from .state import now
from .updates import UpdateQueue, WebhookConfig

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSender:
    def __init__(self, updates: UpdateQueue, activity: Activity) -> None:
        self.updates = updates
        self.activity = activity
        self.inflight = False
        self.first_retry = 0.05
        self.max_retry = 1.0
        self.timeout = 10.0
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.inflight = False

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            delay = self.first_retry
            while True:
                config = self.updates.webhook
                update = self.updates.next_for_webhook()
                if config is None:
                    return
                if update is None:
                    await self.updates.wait_arrival()
                    continue
                headers = {"Content-Type": "application/json"}
                if config.secret_token:
                    headers[SECRET_HEADER] = config.secret_token
                self.inflight = True
                try:
                    error = await self._post(session, config, update.json(), headers)
                finally:
                    self.inflight = False
                    self.activity.touch()
                if error is None:
                    self.updates.delivered(update)
                    delay = self.first_retry
                    continue
                config.last_error_date = now()
                config.last_error_message = error
                log.debug("webhook delivery of update %s failed: %s", update.update_id, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry)

    @staticmethod
    async def _post(
        session: aiohttp.ClientSession,
        config: WebhookConfig,
        body: dict[str, object],
        headers: dict[str, str],
    ) -> str | None:
        try:
            async with session.post(
                config.url, data=json.dumps(body, ensure_ascii=False).encode(), headers=headers
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return f"Connection failed: {exc.__class__.__name__}: {exc}"
