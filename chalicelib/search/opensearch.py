"""The search port on Amazon OpenSearch Service (or any OpenSearch cluster).

Readers and writers use an alias (``<table prefix>movies``); the index behind it is
versioned by creation time. A rebuild fills a fresh index and then moves the alias in one
``_aliases`` call, so searches never see a half-built index; the index it replaced is
dropped by the next rebuild, not at once, because a search that resolved the alias just
before the swap may still be reading it. opensearch-py is imported only when a client is
built (it is heavy for a cold start that may never search).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

from chalicelib.core import clock
from chalicelib.search import opensearch_dsl as dsl
from chalicelib.search.index import (
    MovieDocument,
    SearchHit,
    SearchIndex,
    SearchIndexError,
    SearchQuery,
    SearchResult,
    Suggestion,
)

BULK_CHUNK = 500


def build_client(url: str, region: str) -> Any:
    """SigV4-signed on AWS (the Lambda role's credentials); basic auth when the URL carries
    a user and password; otherwise no auth (a cluster on a private network)."""
    from opensearchpy import AWSV4SignerAuth, OpenSearch, RequestsHttpConnection

    parsed = urlparse(url)
    host = parsed.hostname or "localhost"
    port = parsed.port or (443 if parsed.scheme == "https" else 9200)
    auth: Any = None
    if host.endswith(".amazonaws.com"):
        import boto3

        service = "aoss" if host.endswith(".aoss.amazonaws.com") else "es"
        auth = AWSV4SignerAuth(boto3.Session().get_credentials(), region, service)
    elif parsed.username:
        auth = (parsed.username, parsed.password or "")
    return OpenSearch(
        hosts=[{"host": host, "port": port}],
        http_auth=auth,
        use_ssl=parsed.scheme == "https",
        verify_certs=parsed.scheme == "https",
        connection_class=RequestsHttpConnection,
        timeout=10,
        max_retries=2,
        retry_on_timeout=True,
    )


def _not_found(exc: Exception) -> bool:
    return getattr(exc, "status_code", None) == 404


@contextmanager
def _engine_errors(action: str) -> Iterator[None]:
    """The cluster's failures leave as ``SearchIndexError`` (a 503 for the API, a retried
    record for the indexer); a 404 passes through for the caller to interpret."""
    from opensearchpy.exceptions import OpenSearchException

    try:
        yield
    except OpenSearchException as exc:
        if _not_found(exc):
            raise
        raise SearchIndexError(f"OpenSearch failed to {action}: {exc}") from exc


class OpenSearchIndex(SearchIndex):
    def __init__(
        self, client: Any, alias: str, *, replicas: int = 1, refresh: bool = False
    ) -> None:
        """``refresh=True`` makes each write visible to the next search (the local node);
        on AWS the default one-second refresh is enough and cheaper."""
        self.client = client
        self.alias = alias
        self.replicas = replicas
        self.refresh = refresh
        self._ready = False

    def _new_index_name(self) -> str:
        return f"{self.alias}-{clock.now().strftime('%Y%m%d%H%M%S%f')}"

    def _write_params(self) -> dict[str, Any]:
        return {"refresh": "true"} if self.refresh else {}

    def ensure_ready(self) -> None:
        if self._ready:
            return
        with _engine_errors("create the index"):
            if not self.client.indices.exists_alias(name=self.alias):
                body = dsl.index_body(replicas=self.replicas)
                # Two cold starts racing here cannot both win: an alias has one write index.
                body["aliases"] = {self.alias: {"is_write_index": True}}
                self.client.indices.create(index=self._new_index_name(), body=body)
        self._ready = True

    def upsert(self, document: MovieDocument) -> None:
        self.ensure_ready()
        with _engine_errors("index a movie"):
            self.client.index(
                index=self.alias,
                id=document.movie_id,
                body=dsl.document_body(document),
                **self._write_params(),
            )

    def delete(self, movie_id: str) -> None:
        self.ensure_ready()
        try:
            with _engine_errors("delete a movie"):
                self.client.delete(index=self.alias, id=movie_id, **self._write_params())
        except Exception as exc:
            if not _not_found(exc):
                raise

    # Reads never create the index: the API's role may only read, and before the first
    # write or rebuild there is simply nothing to find.

    def get(self, movie_id: str) -> MovieDocument | None:
        try:
            with _engine_errors("read a movie"):
                found = self.client.get(index=self.alias, id=movie_id)
        except Exception as exc:
            if _not_found(exc):
                return None
            raise
        return dsl.document_from_source(found["_source"]) if found.get("found") else None

    def _search(self, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            with _engine_errors("search"):
                return dict(self.client.search(index=self.alias, body=body))
        except Exception as exc:
            if _not_found(exc):
                return None
            raise

    def search(self, query: SearchQuery) -> SearchResult:
        answer = self._search(dsl.search_body(query))
        if answer is None:
            return SearchResult(hits=[], total=0, genre_facets={})
        hits = [
            SearchHit(
                document=dsl.document_from_source(hit["_source"]),
                score=float(hit.get("_score") or 0.0),
                highlight=dsl.highlight_from_hit(hit),
            )
            for hit in answer["hits"]["hits"]
        ]
        total = answer["hits"]["total"]
        buckets = answer.get("aggregations", {}).get("genres", {}).get("buckets", [])
        return SearchResult(
            hits=hits,
            total=int(total["value"] if isinstance(total, dict) else total),
            genre_facets={b["key"]: int(b["doc_count"]) for b in buckets},
        )

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        prefix = prefix.strip()
        if not prefix:
            return []
        answer = self._search(dsl.suggest_body(prefix, limit))
        if answer is None:
            return []
        return [
            Suggestion(
                movie_id=hit["_source"]["movie_id"],
                title=hit["_source"]["title"],
                original_title=hit["_source"].get("original_title") or "",
            )
            for hit in answer["hits"]["hits"]
        ]

    def rebuild(self, documents: Iterable[MovieDocument]) -> int:
        """Fill a new index, then swap the alias onto it and drop the old ones."""
        with _engine_errors("rebuild the index"):
            return self._rebuild(documents)

    def _rebuild(self, documents: Iterable[MovieDocument]) -> int:
        new_index = self._new_index_name()
        self.client.indices.create(index=new_index, body=dsl.index_body(replicas=self.replicas))
        count, chunk = 0, []
        for document in documents:
            chunk.append(document)
            if len(chunk) >= BULK_CHUNK:
                count += self._bulk(new_index, chunk)
                chunk = []
        count += self._bulk(new_index, chunk)
        self.client.indices.refresh(index=new_index)
        replaced = self._indices_behind_alias()
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": self.alias}} for old in replaced
        ]
        actions.append({"add": {"index": new_index, "alias": self.alias, "is_write_index": True}})
        self.client.indices.update_aliases(body={"actions": actions})
        self._ready = True
        # Earlier generations (and the leftovers of a failed rebuild) go now; the one just
        # replaced stays until the next rebuild for the searches still reading it.
        for stale in sorted(self._versions() - {new_index, *replaced}):
            self.client.indices.delete(index=stale)
        return count

    def _indices_behind_alias(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except Exception as exc:
            if not _not_found(exc):
                raise
            return []

    def _versions(self) -> set[str]:
        """Every index this adapter created for the alias (``<alias>-<timestamp>``)."""
        version = re.compile(re.escape(self.alias) + r"-\d{20}")
        found = self.client.indices.get(index=f"{self.alias}-*", expand_wildcards="open,closed")
        return {name for name in found if version.fullmatch(name)}

    def _bulk(self, index: str, documents: list[MovieDocument]) -> int:
        if not documents:
            return 0
        lines: list[dict[str, Any]] = []
        for document in documents:
            lines.append({"index": {"_index": index, "_id": document.movie_id}})
            lines.append(dsl.document_body(document))
        answer = self.client.bulk(body=lines)
        if answer.get("errors"):
            failed = [
                item["index"].get("error")
                for item in answer.get("items", [])
                if item.get("index", {}).get("error")
            ]
            raise SearchIndexError(
                f"bulk indexing failed for {len(failed)} documents: {failed[:3]}"
            )
        return len(documents)
