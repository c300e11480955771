"""The base of the application's pydantic models (request bodies, queries, responses,
queue messages).

``defer_build``: a model's validator and serializer are built the first time it is used,
not when its module is imported. A Lambda container answers a handful of routes before it
is recycled, and every module's models would otherwise be compiled by every cold start.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)


class Patch(Schema):
    """A PATCH body: each field defaults to ``pydantic.MISSING``, so a field that is not sent
    is not changed, and ``null`` is accepted (to clear the field) only where the field's
    type says so. ``changes()`` is what was sent."""

    model_config = ConfigDict(extra="forbid")

    def changes(self) -> dict[str, Any]:
        """The fields sent, as validated (nested models stay models)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


#: RFC 3339's full-date from year 1 (Python's first): 0000-01-01 is no day here
FULL_DATE = r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"
_FULL_DATE = re.compile(FULL_DATE)


def _full_date(value: object) -> object:
    # pydantic reads "0" or "1700000000" as a Unix time; JSON Schema's format: date is
    # RFC 3339's full-date, nothing else
    if not isinstance(value, str):
        return value  # a date already, or wrong: the date validator says which
    if not _FULL_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    # a date, not the string: bodies are validated strictly, and strict wants a date
    return date.fromisoformat(value)  # ValueError for a day no month has


#: A calendar day, exactly as ``format: date`` states it (``YYYY-MM-DD``), in bodies and
#: queries alike.
Day = Annotated[
    date,
    BeforeValidator(_full_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": FULL_DATE}),
]
