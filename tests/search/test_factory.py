"""The settings point ``get_index()`` at an engine and an alias; built once per container."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.core.config import ConfigError, reset_settings
from chalicelib.search import get_index
from chalicelib.search.opensearch import OpenSearchIndex


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    monkeypatch.undo()
    reset_settings()


def test_the_local_stack_uses_its_node_refreshing_on_every_write() -> None:
    index = get_index()
    assert isinstance(index, OpenSearchIndex)
    assert (index.alias, index.replicas, index.refresh) == ("test-movies", 0, True)
    assert get_index() is index


def test_aws_uses_opensearch_behind_the_stage_alias(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("OPENSEARCH_URL", "https://search-marquee.us-east-1.es.amazonaws.com")
    environment.setenv("OPENSEARCH_REPLICAS", "1")
    environment.delenv("OPENSEARCH_REFRESH_WRITES")
    environment.setenv("TABLE_PREFIX", "marquee-prod-")
    reset_settings()
    index = get_index()
    assert isinstance(index, OpenSearchIndex)
    assert (index.alias, index.replicas, index.refresh) == ("marquee-prod-movies", 1, False)
    assert get_index() is index


def test_without_an_engine_url_search_fails_loudly(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("OPENSEARCH_URL")
    reset_settings()
    with pytest.raises(ConfigError, match="opensearch_url"):
        get_index()
