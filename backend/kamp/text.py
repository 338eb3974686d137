"""Cleaning of text typed by people: trimmed, required where asked, within a length, with a
typed user error (field, message, code) otherwise. None means "not given" and stays None.

No text may hold a NUL character or a lone UTF-16 surrogate: no person types them, PostgreSQL
refuses to store them and UTF-8 cannot encode them. `unstorable` tells them apart, so the
GraphQL layer can refuse them in any input before anything runs."""

from __future__ import annotations

from typing import overload

from kamp.errors import ErrorCode, UserError


def unstorable(value: str) -> bool:
    """Whether `value` holds a NUL or a lone surrogate (anything UTF-8 cannot encode)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


UNSTORABLE_MESSAGE = "Remove the NUL or invalid Unicode characters from the text."


@overload
def clean_text(value: str, field: str, limit: int, *, required: bool = False) -> str: ...


@overload
def clean_text(value: None, field: str, limit: int, *, required: bool = False) -> None: ...


@overload
def clean_text(
    value: str | None, field: str, limit: int, *, required: bool = False
) -> str | None: ...


def clean_text(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    if value is None:
        return None
    if unstorable(value):
        raise UserError(field, UNSTORABLE_MESSAGE, ErrorCode.INVALID)
    value = value.strip()
    if required and not value:
        raise UserError(field, "This field is required.", ErrorCode.REQUIRED)
    if len(value) > limit:
        raise UserError(field, f"Use at most {limit} characters.", ErrorCode.INVALID)
    return value
