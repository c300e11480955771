"""What the OpenSearch adapter sends: mappings, queries, alias swaps (a recording client)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from opensearchpy.exceptions import NotFoundError, TransportError

from chalicelib.core import clock
from chalicelib.search.index import SearchIndexError, SearchQuery, StatusFilter
from chalicelib.search.opensearch import OpenSearchIndex, build_client
from tests.search.fake_opensearch import FakeOpenSearch
from tests.search.samples import AVATAR, EARTH

ALIAS = "marquee-test-movies"
NOW = datetime(2026, 3, 1, 8, 30, 15, tzinfo=UTC)
NEW_INDEX = "marquee-test-movies-20260301083015000000"


@pytest.fixture(autouse=True)
def fixed_time() -> Any:
    with clock.using(clock.FrozenClock(NOW)) as frozen:
        yield frozen


def _text_field() -> dict[str, Any]:
    """Standard (CJK as single characters), English stems, smartcn Chinese words."""
    return {
        "type": "text",
        "analyzer": "standard",
        "fields": {
            "en": {"type": "text", "analyzer": "english"},
            "zh": {"type": "text", "analyzer": "smartcn"},
        },
    }


MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "movie_id": {"type": "keyword"},
        "title": _text_field(),
        "original_title": _text_field(),
        "people": _text_field(),
        "synopsis": _text_field(),
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
}
SETTINGS = {"index": {"number_of_shards": 1, "number_of_replicas": 1}}

AVATAR_BODY = {
    "movie_id": "m-avatar",
    "title": "阿凡达：水之道",
    "original_title": "Avatar: The Way of Water",
    "people": ["James Cameron", "Sam Worthington"],
    "synopsis": AVATAR.synopsis,
    "suggest": ["阿凡达：水之道", "Avatar: The Way of Water"],
    "genre_ids": ["scifi", "adventure"],
    "release_date": "2022-12-16",
    "last_showing_day": "2023-02-13",
    "year": 2022,
    "status_pinned": None,
    "rating": 8.1,
    "rating_count": 120,
    "want_count": 900,
    "poster_key": None,
}

EMPTY_ANSWER = {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}


def ready(**answers: Any) -> tuple[FakeOpenSearch, OpenSearchIndex]:
    client = FakeOpenSearch({"indices.exists_alias": True, "search": EMPTY_ANSWER, **answers})
    return client, OpenSearchIndex(client, alias=ALIAS)


def test_first_use_creates_a_versioned_index_with_explicit_mappings_behind_the_alias() -> None:
    client = FakeOpenSearch({"indices.exists_alias": False})
    index = OpenSearchIndex(client, alias=ALIAS)
    index.upsert(AVATAR)
    index.delete(AVATAR.movie_id)
    assert client.calls[:2] == [
        ("indices.exists_alias", {"name": ALIAS}),
        (
            "indices.create",
            {
                "index": NEW_INDEX,
                "body": {
                    "settings": SETTINGS,
                    "mappings": MAPPINGS,
                    "aliases": {ALIAS: {"is_write_index": True}},
                },
            },
        ),
    ]
    assert client.names().count("indices.exists_alias") == 1  # checked once per container


def test_an_existing_alias_is_used_as_it_is() -> None:
    client, index = ready()
    index.upsert(AVATAR)
    assert "indices.create" not in client.names()


def test_reads_never_create_the_index_and_find_nothing_before_it_exists() -> None:
    missing = NotFoundError(404, "index_not_found_exception", {})
    client, index = ready(search=missing, get=missing)
    assert index.search(SearchQuery(text="水")).total == 0
    assert index.suggest("水") == []
    assert index.get("m-avatar") is None
    assert client.names() == ["search", "search", "get"]


def test_a_cluster_failure_is_a_search_index_error() -> None:
    _, index = ready(search=TransportError(503, "unavailable", {}))
    with pytest.raises(SearchIndexError):
        index.search(SearchQuery())


def test_a_movie_is_written_through_the_alias_with_its_suggest_inputs() -> None:
    client, index = ready()
    index.upsert(AVATAR)
    assert client.called("index") == [{"index": ALIAS, "id": "m-avatar", "body": AVATAR_BODY}]


def test_writes_wait_for_a_refresh_only_when_asked() -> None:
    client = FakeOpenSearch({"indices.exists_alias": True})
    OpenSearchIndex(client, alias=ALIAS, refresh=True).delete("m-avatar")
    assert client.called("delete") == [{"index": ALIAS, "id": "m-avatar", "refresh": "wait_for"}]


def test_deleting_a_movie_the_index_does_not_hold_is_not_an_error() -> None:
    _, index = ready(delete=NotFoundError(404, "not_found", {}))
    index.delete("m-gone")
    _, failing = ready(delete=TransportError(503, "unavailable", {}))
    with pytest.raises(SearchIndexError):
        failing.delete("m-avatar")


def test_a_full_query_is_one_multi_match_with_boosts_filters_sort_highlight_and_facets() -> None:
    client, index = ready()
    index.search(
        SearchQuery(
            text="流浪地球 earth",
            genre_ids=frozenset({"space", "scifi"}),
            status=StatusFilter("showing", released_to="2026-03-01", last_day_from="2026-03-01"),
            year=2019,
            movie_ids=frozenset({"m-earth", "m-avatar"}),
            sort="relevance",
            offset=20,
            limit=10,
        )
    )
    fragment_whole = {"number_of_fragments": 0}
    fragment_160 = {"fragment_size": 160, "number_of_fragments": 1}
    assert client.called("search") == [
        {
            "index": ALIAS,
            "body": {
                "from": 20,
                "size": 10,
                "track_total_hits": True,
                "query": {
                    "bool": {
                        "must": [
                            {
                                "multi_match": {
                                    "query": "流浪地球 earth",
                                    "type": "cross_fields",
                                    "operator": "and",
                                    "fields": [
                                        "title^10",
                                        "title.en^10",
                                        "title.zh^10",
                                        "original_title^6",
                                        "original_title.en^6",
                                        "original_title.zh^6",
                                        "people^3",
                                        "people.en^3",
                                        "people.zh^3",
                                        "synopsis^1",
                                        "synopsis.en^1",
                                        "synopsis.zh^1",
                                    ],
                                }
                            }
                        ],
                        "filter": [
                            {"terms": {"genre_ids": ["scifi", "space"]}},
                            {"terms": {"movie_id": ["m-avatar", "m-earth"]}},
                            {"term": {"year": 2019}},
                            {
                                "bool": {
                                    "should": [
                                        {"term": {"status_pinned": "showing"}},
                                        {
                                            "bool": {
                                                "must_not": [
                                                    {"exists": {"field": "status_pinned"}}
                                                ],
                                                "filter": [
                                                    {"exists": {"field": "release_date"}},
                                                    {
                                                        "range": {
                                                            "release_date": {"lte": "2026-03-01"}
                                                        }
                                                    },
                                                    {
                                                        "range": {
                                                            "last_showing_day": {
                                                                "gte": "2026-03-01"
                                                            }
                                                        }
                                                    },
                                                ],
                                            }
                                        },
                                    ],
                                    "minimum_should_match": 1,
                                }
                            },
                        ],
                    }
                },
                "sort": [
                    "_score",
                    {"want_count": "desc"},
                    {"release_date": {"order": "desc", "missing": "_last"}},
                    {"movie_id": "asc"},
                ],
                "aggs": {"genres": {"terms": {"field": "genre_ids", "size": 200}}},
                "highlight": {
                    "encoder": "html",
                    "pre_tags": ["<mark>"],
                    "post_tags": ["</mark>"],
                    "require_field_match": False,
                    "fields": {
                        "title": fragment_whole,
                        "title.en": fragment_whole,
                        "title.zh": fragment_whole,
                        "original_title": fragment_whole,
                        "original_title.en": fragment_whole,
                        "original_title.zh": fragment_whole,
                        "synopsis": fragment_160,
                        "synopsis.en": fragment_160,
                        "synopsis.zh": fragment_160,
                    },
                },
            },
        }
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-release_date", [{"release_date": {"order": "desc", "missing": "_last"}}]),
        ("release_date", [{"release_date": {"order": "asc", "missing": "_last"}}]),
        (
            "-rating",
            [{"rating": {"order": "desc", "missing": "_last"}}, {"rating_count": "desc"}],
        ),
    ],
)
def test_without_text_every_movie_matches_in_the_asked_order_and_nothing_is_highlighted(
    sort: Any, expected: list[Any]
) -> None:
    client, index = ready()
    index.search(SearchQuery(sort=sort, status=StatusFilter("ended", last_day_to="2026-02-28")))
    body = client.called("search")[0]["body"]
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"][0]["bool"]["should"][1]["bool"]["filter"] == [
        {"exists": {"field": "release_date"}},
        {"range": {"last_showing_day": {"lte": "2026-02-28"}}},
    ]
    assert body["sort"] == [*expected, {"movie_id": "asc"}]
    assert "highlight" not in body


def test_suggestions_are_a_bool_prefix_query_on_the_search_as_you_type_field() -> None:
    answer = {
        "hits": {
            "total": {"value": 1},
            "hits": [
                {"_source": {"movie_id": "m-earth", "title": "流浪地球", "original_title": ""}}
            ],
        }
    }
    client, index = ready(search=answer)
    found = index.suggest(" wande ", limit=7)
    assert client.called("search") == [
        {
            "index": ALIAS,
            "body": {
                "size": 7,
                "_source": ["movie_id", "title", "original_title"],
                "query": {
                    "multi_match": {
                        "query": "wande",
                        "type": "bool_prefix",
                        "fields": ["suggest", "suggest._2gram", "suggest._3gram"],
                    }
                },
                "sort": ["_score", {"want_count": "desc"}, {"movie_id": "asc"}],
            },
        }
    ]
    assert [(s.movie_id, s.title) for s in found] == [("m-earth", "流浪地球")]


def test_an_answer_is_read_back_into_hits_total_facets_and_field_highlights() -> None:
    answer = {
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "hits": [
                {
                    "_score": 3.5,
                    "_source": AVATAR_BODY,
                    "highlight": {
                        "title.zh": ["阿凡达：<mark>水</mark>之道"],
                        "synopsis": ["…<mark>潘多拉</mark>…"],
                        "synopsis.zh": ["ignored: the base field came first"],
                    },
                }
            ],
        },
        "aggregations": {
            "genres": {
                "buckets": [{"key": "scifi", "doc_count": 30}, {"key": "war", "doc_count": 2}]
            }
        },
    }
    _, index = ready(search=answer)
    result = index.search(SearchQuery(text="水"))
    assert result.total == 42
    assert result.genre_facets == {"scifi": 30, "war": 2}
    [hit] = result.hits
    assert hit.document == AVATAR
    assert hit.score == 3.5
    assert hit.highlight == {
        "title": ["阿凡达：<mark>水</mark>之道"],
        "synopsis": ["…<mark>潘多拉</mark>…"],
    }


def test_a_rebuild_fills_a_new_index_then_moves_the_alias_in_one_call() -> None:
    old = "marquee-test-movies-20250101000000000000"
    client, index = ready(
        bulk={"errors": False, "items": []},
        **{"indices.get_alias": {old: {"aliases": {ALIAS: {"is_write_index": True}}}}},
    )
    assert index.rebuild(iter([AVATAR, EARTH])) == 2
    assert client.names() == [
        "indices.create",
        "bulk",
        "indices.refresh",
        "indices.get_alias",
        "indices.update_aliases",
        "indices.delete",
    ]
    assert client.called("indices.create") == [
        {"index": NEW_INDEX, "body": {"settings": SETTINGS, "mappings": MAPPINGS}}
    ]
    bulk = client.called("bulk")[0]["body"]
    assert bulk[:2] == [{"index": {"_index": NEW_INDEX, "_id": "m-avatar"}}, AVATAR_BODY]
    assert bulk[2] == {"index": {"_index": NEW_INDEX, "_id": "m-earth"}}
    assert client.called("indices.refresh") == [{"index": NEW_INDEX}]
    assert client.called("indices.update_aliases") == [
        {
            "body": {
                "actions": [
                    {"remove": {"index": old, "alias": ALIAS}},
                    {"add": {"index": NEW_INDEX, "alias": ALIAS, "is_write_index": True}},
                ]
            }
        }
    ]
    assert client.called("indices.delete") == [{"index": old}]


def test_the_first_rebuild_creates_the_alias() -> None:
    client, index = ready(**{"indices.get_alias": NotFoundError(404, "missing", {})})
    assert index.rebuild(iter([])) == 0
    assert client.called("indices.update_aliases") == [
        {
            "body": {
                "actions": [{"add": {"index": NEW_INDEX, "alias": ALIAS, "is_write_index": True}}]
            }
        }
    ]
    assert "bulk" not in client.names()


def test_a_rebuild_with_rejected_documents_fails_before_touching_the_alias() -> None:
    rejected = {"errors": True, "items": [{"index": {"_id": "m-avatar", "error": "mapping"}}]}
    client, index = ready(bulk=rejected)
    with pytest.raises(SearchIndexError):
        index.rebuild(iter([AVATAR]))
    assert "indices.update_aliases" not in client.names()


@pytest.mark.parametrize(
    ("url", "auth"),
    [
        ("https://search-marquee.us-east-1.es.amazonaws.com", "AWSV4SignerAuth"),
        ("https://admin:secret@search.example.com", ("admin", "secret")),
        ("http://localhost:9200", None),
    ],
)
def test_the_client_signs_with_sigv4_on_aws_and_uses_basic_or_no_auth_elsewhere(
    url: str, auth: Any
) -> None:
    connection = build_client(url, "us-east-1").transport.get_connection()
    found = connection.session.auth
    assert (type(found).__name__ if auth == "AWSV4SignerAuth" else found) == auth
