"""Search tests run against the session's OpenSearch node (``tests/conftest.py`` starts it
with the other stand-ins).

- ``empty_search_index``: the configured index (what ``get_index()`` returns), emptied, for
  tests that go through the API, the indexer or the reindex command. Unlike the tables, the
  index outlives a test, so these modules ask for it.
- ``fresh_index``: the adapter on an alias of its own, whose indices are deleted afterwards,
  for the behaviour suite and the adapter's own tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from chalicelib.core.config import get_settings
from chalicelib.search import get_index
from chalicelib.search.index import SearchIndex
from chalicelib.search.opensearch import OpenSearchIndex, build_client
from local.stack import LocalStack


def delete_every_document(index: OpenSearchIndex) -> None:
    """Empty the index behind the alias in place, much cheaper than creating a new one
    (the node has no reindex module, so no ``_delete_by_query``)."""
    client, alias = index.client, index.alias
    held = client.search(index=alias, body={"size": 10_000, "_source": False})
    deletes = [{"delete": {"_id": hit["_id"]}} for hit in held["hits"]["hits"]]
    if deletes:
        client.bulk(index=alias, body=deletes, refresh="true")


@pytest.fixture
def empty_search_index(stack: LocalStack) -> SearchIndex:
    index = get_index()
    assert isinstance(index, OpenSearchIndex)
    index.ensure_ready()
    delete_every_document(index)
    return index


@pytest.fixture
def fresh_index(stack: LocalStack) -> Iterator[OpenSearchIndex]:
    settings = get_settings()
    client = build_client(settings.require("opensearch_url"), settings.region)
    alias = f"test-{uuid.uuid4().hex[:12]}-movies"
    yield OpenSearchIndex(client, alias=alias, replicas=0, refresh=True)
    for name in client.indices.get(index=f"{alias}-*"):
        client.indices.delete(index=name)
