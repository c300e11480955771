"""Cursor pagination: ``?limit=&cursor=`` in, ``{"items", "next_cursor"}`` out.

A cursor is DynamoDB's ``LastEvaluatedKey`` signed (``chalicelib.core.signing``, the
``cursor`` ring) with the list it belongs to (its scope) as the salt, so a client cannot
forge a key or replay a cursor on another list. A tampered cursor is a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from pydantic import ConfigDict, Field

from chalicelib.core.errors import BadRequest
from chalicelib.core.schema import Schema
from chalicelib.core.signing import InvalidSignature, sign, unsign

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

T = TypeVar("T")


class PageQuery(Schema):
    """Query parameters every list accepts; list queries subclass it to add filters."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=2048)


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _salt(scope: str) -> str:
    return f"cursor:{scope}"


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    return sign("cursor", _salt(scope), last_key)


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        key = unsign("cursor", _salt(scope), cursor)
    except InvalidSignature as exc:
        raise BadRequest("The cursor is not valid for this list.") from exc
    if not isinstance(key, dict):
        raise BadRequest("The cursor is not valid for this list.")
    return key


def paginate(
    query: Callable[..., Any],
    page: PageQuery,
    scope: str,
    serialize: Callable[[Any], T],
) -> Page[T]:
    """Run a pynamodb ``query``/``scan`` callable for one page.

    ``query`` receives ``limit`` and ``last_evaluated_key``; its ``last_evaluated_key``
    after iteration becomes the next cursor.
    """
    results = query(limit=page.limit, last_evaluated_key=decode_cursor(page.cursor, scope))
    items: Iterable[Any] = list(results)
    return Page[T](
        items=[serialize(i) for i in items],
        next_cursor=encode_cursor(results.last_evaluated_key, scope),
    )
