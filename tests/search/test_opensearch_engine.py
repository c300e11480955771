"""What the OpenSearch adapter does to a real node beyond the shared behaviour: the index
it creates and deploys, reads before it exists, alias swaps, failures."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.search import opensearch_dsl as dsl
from chalicelib.search.index import SearchIndexError, SearchQuery
from chalicelib.search.opensearch import OpenSearchIndex, build_client
from local.services import free_port
from tests.search.samples import AVATAR, EARTH, SPIRITED


def versions(index: OpenSearchIndex) -> list[str]:
    return sorted(index.client.indices.get(index=f"{index.alias}-*"))


def behind_alias(index: OpenSearchIndex) -> list[str]:
    return sorted(index.client.indices.get_alias(name=index.alias))


def test_first_write_creates_a_versioned_index_with_the_deployed_mappings_behind_the_alias(
    fresh_index: OpenSearchIndex,
) -> None:
    fresh_index.upsert(AVATAR)
    [name] = behind_alias(fresh_index)
    assert re.fullmatch(re.escape(fresh_index.alias) + r"-\d{20}", name)
    aliases = fresh_index.client.indices.get_alias(name=fresh_index.alias)
    assert aliases[name]["aliases"][fresh_index.alias]["is_write_index"] is True
    mapping = fresh_index.client.indices.get_mapping(index=name)[name]["mappings"]
    deployed = dsl.index_body()["mappings"]
    assert mapping["dynamic"] == "strict"
    for field in ("title", "original_title", "people", "synopsis"):
        assert mapping["properties"][field] == deployed["properties"][field]
    assert mapping["properties"]["suggest"]["type"] == "search_as_you_type"


def test_the_chinese_sub_field_is_segmented_into_words_by_smartcn(
    fresh_index: OpenSearchIndex,
) -> None:
    fresh_index.ensure_ready()

    def tokens(field: str, text: str) -> list[str]:
        body = {"field": field, "text": text}
        answer = fresh_index.client.indices.analyze(index=fresh_index.alias, body=body)
        return [t["token"] for t in answer["tokens"]]

    assert tokens("title.zh", "流浪地球") == ["流浪", "地球"]
    assert tokens("title", "流浪地球") == ["流", "浪", "地", "球"]
    assert tokens("title.en", "The Wandering Earth") == ["wander", "earth"]


def test_reads_never_create_the_index_and_find_nothing_before_it_exists(
    fresh_index: OpenSearchIndex,
) -> None:
    assert fresh_index.search(SearchQuery(text="水")).total == 0
    assert fresh_index.suggest("水") == []
    assert fresh_index.get(AVATAR.movie_id) is None
    assert not fresh_index.client.indices.exists_alias(name=fresh_index.alias)


def test_deleting_a_movie_the_index_never_held_is_not_an_error(
    fresh_index: OpenSearchIndex,
) -> None:
    fresh_index.delete("m-never")
    assert fresh_index.search(SearchQuery()).total == 0


def test_an_unreachable_cluster_is_a_search_index_error() -> None:
    client = build_client(f"http://127.0.0.1:{free_port()}", "us-east-1")
    index = OpenSearchIndex(client, alias="nowhere-movies")
    with pytest.raises(SearchIndexError):
        index.search(SearchQuery(text="水"))
    with pytest.raises(SearchIndexError):
        index.upsert(AVATAR)


def test_a_rebuild_keeps_the_replaced_index_until_the_next_rebuild(
    fresh_index: OpenSearchIndex,
) -> None:
    fresh_index.upsert(AVATAR)
    [first] = versions(fresh_index)
    assert fresh_index.rebuild(iter([EARTH])) == 1
    [second] = behind_alias(fresh_index)
    # A search that resolved the alias just before the swap may still read the first.
    assert versions(fresh_index) == [first, second]
    fresh_index.rebuild(iter([SPIRITED]))
    [third] = behind_alias(fresh_index)
    assert versions(fresh_index) == [second, third]
    assert [h.document.movie_id for h in fresh_index.search(SearchQuery()).hits] == [
        SPIRITED.movie_id
    ]


def test_a_rebuild_with_a_rejected_document_leaves_the_alias_where_it_was(
    fresh_index: OpenSearchIndex,
) -> None:
    fresh_index.upsert(AVATAR)
    before = behind_alias(fresh_index)
    with pytest.raises(SearchIndexError, match="bulk indexing failed for 1"):
        fresh_index.rebuild(iter([EARTH, replace(SPIRITED, release_date="2019-13-45")]))
    assert behind_alias(fresh_index) == before
    assert fresh_index.search(SearchQuery()).total == 1
    fresh_index.rebuild(iter([EARTH]))  # the half-built index is cleared away later
    assert len(versions(fresh_index)) == 2


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
