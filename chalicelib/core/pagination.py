"""Cursor pagination: ``?limit=&cursor=`` in, ``{"items", "next_cursor"}`` out.

A cursor wraps DynamoDB's ``LastEvaluatedKey`` with an HMAC over the key *and the list
it belongs to* (its scope), so a client cannot forge a key or replay a cursor on another
list. A tampered cursor is a 400.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core.config import get_settings
from chalicelib.core.errors import BadRequest

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

T = TypeVar("T")


class PageQuery(BaseModel):
    """Query parameters every list accepts; list queries subclass it to add filters."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=2048)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _key() -> bytes:
    return get_settings().require("cursor_secret").encode()


def _sign(scope: str, payload: bytes) -> bytes:
    return hmac.new(_key(), scope.encode() + b"\x00" + payload, hashlib.sha256).digest()[:16]


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps(last_key, separators=(",", ":"), sort_keys=True, default=str).encode()
    token = _sign(scope, payload) + payload
    return base64.urlsafe_b64encode(token).decode().rstrip("=")


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        signature, payload = raw[:16], raw[16:]
        if len(signature) != 16 or not hmac.compare_digest(signature, _sign(scope, payload)):
            raise ValueError("bad signature")
        key = json.loads(payload)
        if not isinstance(key, dict):
            raise ValueError("not a key")
        return key
    except (ValueError, TypeError) as exc:
        raise BadRequest("The cursor is not valid for this list.") from exc


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
