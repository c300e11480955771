"""Keyset pages over a candidate set that is filtered and ordered in memory.

Used where a list combines filters no single index orders (movies by genre sub-tree
sorted by rating, cinemas showing a movie): the candidates come from Queries, and the
cursor carries the last item's sort key, signed for its list by ``encode_cursor``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from chalicelib.core.errors import BadRequest
from chalicelib.core.pagination import Page, PageQuery, decode_cursor, encode_cursor

T = TypeVar("T")
R = TypeVar("R")

SortKey = tuple[Any, ...]


def scope_of(name: str, query: PageQuery) -> str:
    """A cursor belongs to one list: its name plus every filter and the sort."""
    filters = query.model_dump(mode="json", exclude={"limit", "cursor"})
    return name + ":" + json.dumps(filters, sort_keys=True, separators=(",", ":"))


def keyset_page(
    items: Iterable[T],
    sort_key: Callable[[T], SortKey],
    query: PageQuery,
    scope: str,
    serialize: Callable[[T], R],
) -> Page[R]:
    """One page of ``items`` ordered by ``sort_key`` (which must end with a unique id)."""
    ordered = sorted(((list(sort_key(i)), i) for i in items), key=lambda pair: pair[0])
    cursor = decode_cursor(query.cursor, scope)
    if cursor is not None:
        after = cursor.get("after")
        if not isinstance(after, list):
            raise BadRequest("The cursor is not valid for this list.")
        try:
            ordered = [pair for pair in ordered if pair[0] > after]
        except TypeError as exc:
            raise BadRequest("The cursor is not valid for this list.") from exc
    page = ordered[: query.limit]
    more = len(ordered) > query.limit
    next_cursor = encode_cursor({"after": page[-1][0]}, scope) if more and page else None
    return Page[R](items=[serialize(i) for _, i in page], next_cursor=next_cursor)
