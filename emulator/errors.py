"""Bot API errors: the exception that turns into an error answer, and the record of each answer.

Descriptions follow Telegram's own wording ("Bad Request: chat not found") because bots match
on them (PTB maps them to exception types, handlers look for "message is not modified").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ApiFailure(Exception):
    """Raised below the HTTP layer; the server answers it as `{"ok": false, ...}`."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str, parameters: dict[str, Any] | None = None) -> ApiFailure:
    return ApiFailure(400, f"Bad Request: {reason}", parameters)


def forbidden(reason: str) -> ApiFailure:
    return ApiFailure(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiFailure:
    return ApiFailure(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def conflict(reason: str) -> ApiFailure:
    return ApiFailure(409, f"Conflict: {reason}")


UNAUTHORIZED = (401, "Unauthorized")
NOT_FOUND = (404, "Not Found")


@dataclass(frozen=True)
class ApiError:
    """One error answer the emulator gave, kept so tests can assert the bot caused none."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
    parameters: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method} → {self.status} {self.description}"
