"""Movie search: the ``SearchIndex`` port and its OpenSearch adapter.

``get_index()`` returns the index the settings point at (``OPENSEARCH_URL``, the table
prefix naming the alias), built once per container.
"""

from __future__ import annotations

import threading

from chalicelib.core.config import get_settings
from chalicelib.search.index import SearchIndex

_lock = threading.Lock()
_Key = tuple[str, str, int, bool]  # url, table prefix, replicas, refresh on write
_indexes: dict[_Key, SearchIndex] = {}


def get_index() -> SearchIndex:
    settings = get_settings()
    key: _Key = (
        settings.require("opensearch_url"),
        settings.table_prefix,
        settings.opensearch_replicas,
        settings.opensearch_refresh_writes,
    )
    found = _indexes.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _indexes:
            _indexes[key] = _build(key)
        return _indexes[key]


def _build(key: _Key) -> SearchIndex:
    # Imported here: opensearch-py is heavy for a cold start that never searches.
    from chalicelib.search.opensearch import OpenSearchIndex, build_client

    url, prefix, replicas, refresh = key
    return OpenSearchIndex(
        build_client(url, get_settings().region),
        alias=f"{prefix}movies",
        replicas=replicas,
        refresh=refresh,
    )
