"""Search tests start with an empty configured index (the SQLite file outlives a test,
unlike the tables, which the session truncates)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def empty_search_index() -> Iterator[None]:
    from chalicelib.search import get_index

    get_index().rebuild(iter([]))
    yield
