"""SEARCH_BACKEND picks the adapter; each is built once per container."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.core.config import reset_settings
from chalicelib.search import get_index
from chalicelib.search.opensearch import OpenSearchIndex
from chalicelib.search.sqlite import SqliteSearchIndex


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    monkeypatch.undo()
    reset_settings()


def test_the_local_stack_uses_the_sqlite_file_it_is_given(
    environment: pytest.MonkeyPatch, tmp_path: object
) -> None:
    environment.setenv("SEARCH_SQLITE_PATH", f"{tmp_path}/index.sqlite3")
    reset_settings()
    index = get_index()
    assert isinstance(index, SqliteSearchIndex)
    assert index.path == f"{tmp_path}/index.sqlite3"
    assert get_index() is index


def test_aws_uses_opensearch_behind_the_stage_alias(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("SEARCH_BACKEND", "opensearch")
    environment.setenv("OPENSEARCH_URL", "https://search-marquee.us-east-1.es.amazonaws.com")
    environment.setenv("OPENSEARCH_REPLICAS", "0")
    environment.setenv("TABLE_PREFIX", "marquee-prod-")
    reset_settings()
    index = get_index()
    assert isinstance(index, OpenSearchIndex)
    assert (index.alias, index.replicas) == ("marquee-prod-movies", 0)
    assert get_index() is index
