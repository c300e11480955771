"""The shared behaviour, against a real OpenSearch cluster when ``OPENSEARCH_URL`` is set.

No OpenSearch server can run on the development machines, so without the variable the
module is skipped. With it (e.g. ``OPENSEARCH_URL=http://admin:pw@localhost:9200`` and
the ``analysis-smartcn`` plugin installed), every test uses its own alias and deletes
its indices afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from chalicelib.search.opensearch import OpenSearchIndex, build_client
from tests.search.contract import IndexBehaviour

URL = os.environ.get("OPENSEARCH_URL")

if not URL:
    pytest.skip(
        "OPENSEARCH_URL is not set: no OpenSearch cluster to run the shared behaviour "
        "against (the adapter's request bodies are unit-tested in test_opensearch_requests.py)",
        allow_module_level=True,
    )


class TestOpenSearchIndex(IndexBehaviour):
    @pytest.fixture
    def index(self) -> Iterator[OpenSearchIndex]:
        assert URL is not None
        client = build_client(URL, os.environ.get("AWS_REGION", "us-east-1"))
        alias = f"marquee-test-{uuid.uuid4().hex[:12]}-movies"
        index = OpenSearchIndex(client, alias=alias, replicas=0, refresh=True)
        index.ensure_ready()
        yield index
        for name in client.indices.get(index=f"{alias}-*"):
            client.indices.delete(index=name)
