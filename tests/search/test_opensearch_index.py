"""The shared behaviour, against the OpenSearch adapter on a real OpenSearch 2.19 node,
with the mappings the adapter deploys (``opensearch_dsl.index_body``): the same on AWS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from chalicelib.core.config import get_settings
from chalicelib.search.opensearch import OpenSearchIndex, build_client
from local.stack import LocalStack
from tests.search.conftest import delete_every_document
from tests.search.contract import IndexBehaviour


@pytest.fixture(scope="module")
def suite_index(stack: LocalStack) -> Iterator[OpenSearchIndex]:
    """One alias for the whole suite: creating an index per test costs a second each."""
    settings = get_settings()
    client = build_client(settings.require("opensearch_url"), settings.region)
    index = OpenSearchIndex(
        client, alias=f"test-{uuid.uuid4().hex[:12]}-movies", replicas=0, refresh=True
    )
    index.ensure_ready()
    yield index
    for name in client.indices.get(index=f"{index.alias}-*"):
        client.indices.delete(index=name)


class TestOpenSearchIndex(IndexBehaviour):
    @pytest.fixture
    def index(self, suite_index: OpenSearchIndex) -> OpenSearchIndex:
        """The suite's index, emptied."""
        delete_every_document(suite_index)
        return suite_index
