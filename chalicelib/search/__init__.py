"""Movie search: a ``SearchIndex`` port with SQLite FTS5 and OpenSearch adapters.

``get_index()`` returns the adapter ``SEARCH_BACKEND`` selects, built once per container.
"""

from __future__ import annotations

import threading

from chalicelib.core.config import get_settings
from chalicelib.search.index import SearchIndex

_lock = threading.Lock()
_indexes: dict[tuple[str, ...], SearchIndex] = {}


def get_index() -> SearchIndex:
    settings = get_settings()
    if settings.search_backend == "opensearch":
        key: tuple[str, ...] = ("opensearch", settings.require("opensearch_url"))
        key += (settings.table_prefix, str(settings.opensearch_replicas))
    else:
        key = ("sqlite", settings.search_sqlite_path)
    found = _indexes.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _indexes:
            _indexes[key] = _build(key)
        return _indexes[key]


def _build(key: tuple[str, ...]) -> SearchIndex:
    if key[0] == "opensearch":
        from chalicelib.search.opensearch import OpenSearchIndex, build_client

        client = build_client(key[1], get_settings().region)
        return OpenSearchIndex(client, alias=f"{key[2]}movies", replicas=int(key[3]))
    from chalicelib.search.sqlite import SqliteSearchIndex

    return SqliteSearchIndex(key[1])
