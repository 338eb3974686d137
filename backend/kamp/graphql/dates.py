"""Dates and instants within the years people plan in, refused before anything runs otherwise:
year 1 or 9999 with an offset does not fit a UTC instant, and a date centuries away is a typo
that every calendar, reminder and recurrence would walk to. An input outside is a
BAD_USER_INPUT error, whatever field it was meant for."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

FIRST_YEAR = 1900
LAST_YEAR = 2199
_RANGE = f"from {FIRST_YEAR} to {LAST_YEAR}"


def _within(parse: Any, name: str) -> Any:
    def parse_value(value: object) -> object:
        parsed = parse(value)
        moments = [parsed]
        if isinstance(parsed, datetime) and parsed.tzinfo is not None:
            try:
                moments.append(parsed.astimezone(UTC))
            except OverflowError:
                moments.append(date.min)
        if any(not FIRST_YEAR <= moment.year <= LAST_YEAR for moment in moments):
            raise StrawberryInputCoercionError(
                f"Value cannot represent a {name}: {str(value)[:40]!r}. Give a year {_RANGE}."
            )
        return parsed

    return parse_value


def _override(definition: ScalarDefinition) -> ScalarDefinition:
    return dataclasses.replace(
        definition, parse_value=_within(definition.parse_value, definition.name)
    )


SCALAR_OVERRIDES: dict[object, Any] = {
    date: _override(DateDefinition),
    datetime: _override(DateTimeDefinition),
}
