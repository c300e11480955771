"""What an id looks like, stated once.

Every id the API hands out (uuid hex, or the seed's readable slugs) fits this shape, so a
path or body value that does not cannot name anything. Checking it before storage is
touched keeps hostile values (a 2 KB key DynamoDB refuses with a 500-worthy error, odd
characters) out of every query.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

ID_MAX_LENGTH = 64
ID_PATTERN = rf"^[A-Za-z0-9_-]{{1,{ID_MAX_LENGTH}}}$"
ID_RULE = f"must be 1-{ID_MAX_LENGTH} letters, digits, '-' or '_'"

_ID = re.compile(ID_PATTERN)


def is_id(value: str) -> bool:
    return _ID.fullmatch(value) is not None


def id_schema() -> dict[str, object]:
    """The JSON Schema of an id (path parameters in ``/openapi.json``)."""
    return {"type": "string", "pattern": ID_PATTERN, "minLength": 1, "maxLength": ID_MAX_LENGTH}


#: An id in a request (a body field, a filter): the shape the OpenAPI document states.
Id = Annotated[str, Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
