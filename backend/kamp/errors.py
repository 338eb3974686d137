"""Errors raised by services. The GraphQL layer turns them into typed user errors or into
GraphQL errors with `extensions.code`; services never know about either."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    CONFLICT = "CONFLICT"
    EXPIRED = "EXPIRED"
    # The input names something the other side owns (a policy parameter): propose it instead.
    FORBIDDEN = "FORBIDDEN"


class KampError(Exception):
    """Base of every expected error; anything else is unexpected and masked."""

    code = "INTERNAL"


class Unauthenticated(KampError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Sign in to continue.") -> None:
        super().__init__(message)


class Forbidden(KampError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message)


class NotFound(KampError):
    """Also what a principal gets for something that exists but is not theirs to see."""

    code = "NOT_FOUND"

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class BadRequest(KampError):
    """Malformed input caught before any work is done (bad IDs, oversized pages)."""

    code = "BAD_USER_INPUT"


class UserError(KampError):
    """A problem with one input field that the user can fix; reported in a payload."""

    code = "USER_ERROR"

    def __init__(self, field: str | None, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.error_code = code


class Conflict(UserError):
    """An update based on a stale version; carries the current row."""

    def __init__(self, current: Any, message: str | None = None) -> None:
        super().__init__(
            "version",
            message or "Someone else changed this first; review the current version.",
            ErrorCode.CONFLICT,
        )
        self.current = current
