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

from pydantic import BaseModel, BeforeValidator, ConfigDict


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


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _full_date(value: object) -> object:
    # pydantic reads "0" or "1700000000" as a Unix time; JSON Schema's format: date is
    # RFC 3339's full-date, nothing else
    if isinstance(value, str) and not _FULL_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


#: A calendar day, exactly as ``format: date`` states it (``YYYY-MM-DD``), in bodies and
#: queries alike.
Day = Annotated[date, BeforeValidator(_full_date)]
