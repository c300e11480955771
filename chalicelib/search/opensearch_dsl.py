"""The request bodies the OpenSearch adapter sends, as pure functions (unit-tested as is).

Every text field is indexed three ways: ``standard`` (CJK split into single characters, so
any Chinese substring still matches), ``.en`` (the ``english`` analyzer: stemmed words) and
``.zh`` (``smartcn``, a Chinese word segmenter bundled with Amazon OpenSearch Service; the
local node's launcher registers Lucene's, so these mappings are the deployed ones).

A text query matches when every term occurs in some field (a ``cross_fields``
``multi_match`` with ``operator: and``; title matches boosted above people and synopsis),
or when a title holds every term give or take a typo (``fuzziness: AUTO``: one edit from
three characters, two from six; single CJK characters never fuzz).
"""

from __future__ import annotations

from typing import Any

from chalicelib.search.index import (
    MARK_CLOSE,
    MARK_OPEN,
    MovieDocument,
    SearchQuery,
    SortKey,
    StatusFilter,
)

CJK_ANALYZER = "smartcn"
FACET_SIZE = 200
#: field -> boost, for the free-text query
BOOSTS = {"title": 10, "original_title": 6, "people": 3, "synopsis": 1}
HIGHLIGHTED = {"title": 0, "original_title": 0, "synopsis": 160}  # field -> fragment size
#: field -> boost, for the typo-tolerant title match
FUZZY_BOOSTS = {"title": 3, "original_title": 2}


def _text() -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "standard",
        "fields": {
            "en": {"type": "text", "analyzer": "english"},
            "zh": {"type": "text", "analyzer": CJK_ANALYZER},
        },
    }


def index_body(shards: int = 1, replicas: int = 1) -> dict[str, Any]:
    """Settings and explicit mappings; ``dynamic: strict`` so a stray field is an error."""
    return {
        "settings": {"index": {"number_of_shards": shards, "number_of_replicas": replicas}},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "movie_id": {"type": "keyword"},
                "title": _text(),
                "original_title": _text(),
                "people": _text(),
                "synopsis": _text(),
                "suggest": {"type": "search_as_you_type", "analyzer": "standard"},
                "genre_ids": {"type": "keyword"},
                "release_date": {"type": "date", "format": "yyyy-MM-dd"},
                "last_showing_day": {"type": "date", "format": "yyyy-MM-dd"},
                "year": {"type": "integer"},
                "status_pinned": {"type": "keyword"},
                "rating": {"type": "float"},
                "rating_count": {"type": "integer"},
                "want_count": {"type": "integer"},
                "poster_key": {"type": "keyword", "index": False},
            },
        },
    }


def document_body(document: MovieDocument) -> dict[str, Any]:
    return {
        "movie_id": document.movie_id,
        "title": document.title,
        "original_title": document.original_title,
        "people": list(document.people),
        "synopsis": document.synopsis,
        "suggest": [t for t in (document.title, document.original_title) if t],
        "genre_ids": list(document.genre_ids),
        "release_date": document.release_date,
        "last_showing_day": document.last_showing_day,
        "year": document.year,
        "status_pinned": document.status_pinned,
        "rating": document.rating,
        "rating_count": document.rating_count,
        "want_count": document.want_count,
        "poster_key": document.poster_key,
    }


def document_from_source(source: dict[str, Any]) -> MovieDocument:
    return MovieDocument(
        movie_id=source["movie_id"],
        title=source["title"],
        original_title=source.get("original_title") or "",
        synopsis=source.get("synopsis") or "",
        people=tuple(source.get("people") or ()),
        genre_ids=tuple(source.get("genre_ids") or ()),
        release_date=source.get("release_date"),
        last_showing_day=source.get("last_showing_day"),
        status_pinned=source.get("status_pinned"),
        rating=source.get("rating"),
        rating_count=int(source.get("rating_count") or 0),
        want_count=int(source.get("want_count") or 0),
        poster_key=source.get("poster_key"),
    )


def text_fields() -> list[str]:
    return [
        f"{field}{suffix}^{boost}"
        for field, boost in BOOSTS.items()
        for suffix in ("", ".en", ".zh")
    ]


def status_clause(status: StatusFilter) -> dict[str, Any]:
    """Pinned to the status, or unpinned with its dates inside the status's bounds."""
    dated: list[dict[str, Any]] = [{"exists": {"field": "release_date"}}]
    for field, lower, upper in (
        ("release_date", status.released_from, status.released_to),
        ("last_showing_day", status.last_day_from, status.last_day_to),
    ):
        bounds = {k: v for k, v in (("gte", lower), ("lte", upper)) if v}
        if bounds:
            dated.append({"range": {field: bounds}})
    return {
        "bool": {
            "should": [
                {"term": {"status_pinned": status.status}},
                {
                    "bool": {
                        "must_not": [{"exists": {"field": "status_pinned"}}],
                        "filter": dated,
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def filters(query: SearchQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if query.genre_ids is not None:
        clauses.append({"terms": {"genre_ids": sorted(query.genre_ids)}})
    if query.movie_ids is not None:
        clauses.append({"terms": {"movie_id": sorted(query.movie_ids)}})
    if query.year is not None:
        clauses.append({"term": {"year": query.year}})
    if query.status is not None:
        clauses.append(status_clause(query.status))
    return clauses


def sort_clause(sort: SortKey) -> list[Any]:
    last = {"order": "desc", "missing": "_last"}
    by_key: dict[str, list[Any]] = {
        "relevance": ["_score", {"want_count": "desc"}, {"release_date": last}],
        "-release_date": [{"release_date": last}],
        "release_date": [{"release_date": {"order": "asc", "missing": "_last"}}],
        "-rating": [{"rating": last}, {"rating_count": "desc"}],
    }
    return [*by_key[sort], {"movie_id": "asc"}]


def text_clause(text: str) -> dict[str, Any]:
    """Every term in some field, or a title that has every term but for a typo."""
    return {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": text,
                        "type": "cross_fields",
                        "operator": "and",
                        "fields": text_fields(),
                    }
                },
                {
                    "multi_match": {
                        "query": text,
                        "type": "best_fields",
                        "operator": "and",
                        "fields": [f"{field}^{boost}" for field, boost in FUZZY_BOOSTS.items()],
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def search_body(query: SearchQuery) -> dict[str, Any]:
    text = query.text.strip()
    must = [text_clause(text)] if text else [{"match_all": {}}]
    body: dict[str, Any] = {
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "query": {"bool": {"must": must, "filter": filters(query)}},
        "sort": sort_clause(query.sort),
        "aggs": {"genres": {"terms": {"field": "genre_ids", "size": FACET_SIZE}}},
    }
    if text:
        body["highlight"] = {
            "encoder": "html",
            "pre_tags": [MARK_OPEN],
            "post_tags": [MARK_CLOSE],
            "require_field_match": False,
            "fields": {
                f"{field}{suffix}": (
                    {"number_of_fragments": 0}
                    if size == 0
                    else {"fragment_size": size, "number_of_fragments": 1}
                )
                for field, size in HIGHLIGHTED.items()
                for suffix in ("", ".en", ".zh")
            },
        }
    return body


def suggest_body(prefix: str, limit: int) -> dict[str, Any]:
    """search_as_you_type: every word of the titles matches as a prefix of what is typed."""
    return {
        "size": limit,
        "_source": ["movie_id", "title", "original_title"],
        "query": {
            "multi_match": {
                "query": prefix,
                "type": "bool_prefix",
                "fields": ["suggest", "suggest._2gram", "suggest._3gram"],
            }
        },
        "sort": ["_score", {"want_count": "desc"}, {"movie_id": "asc"}],
    }


def highlight_from_hit(hit: dict[str, Any]) -> dict[str, list[str]]:
    """Fold the sub-field highlights (``title.en``, ``title.zh``) back onto their field."""
    found: dict[str, list[str]] = {}
    marked = hit.get("highlight") or {}
    for field in HIGHLIGHTED:
        for suffix in ("", ".en", ".zh"):
            fragments = marked.get(f"{field}{suffix}")
            if fragments:
                found[field] = list(fragments)
                break
    return found
