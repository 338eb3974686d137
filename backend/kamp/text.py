"""Cleaning of text typed by people: trimmed, required where asked, within a length, with a
typed user error (field, message, code) otherwise. None means "not given" and stays None."""

from __future__ import annotations

from typing import overload

from kamp.errors import ErrorCode, UserError


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
    value = value.strip()
    if required and not value:
        raise UserError(field, "This field is required.", ErrorCode.REQUIRED)
    if len(value) > limit:
        raise UserError(field, f"Use at most {limit} characters.", ErrorCode.INVALID)
    return value
