"""functions/indexer: stream records of the movies table keep the index in step."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from chalicelib.catalog.models import Movie
from chalicelib.core.config import get_settings
from chalicelib.search import get_index
from chalicelib.search.index import SearchQuery
from functions import indexer
from local.pumps import LambdaContext

pytestmark = pytest.mark.usefixtures("empty_search_index")

_serialize = TypeSerializer().serialize
_sequence = iter(range(1000, 10**6))


def arn(table: str) -> str:
    region = get_settings().region
    return f"arn:aws:dynamodb:{region}:000000000000:table/{table}/stream/2026-01-01T00:00:00.000"


def record(
    event_name: str,
    new: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    table: str | None = None,
) -> dict[str, Any]:
    """A stream record as Lambda delivers it (DynamoDB-typed images)."""
    change: dict[str, Any] = {
        "Keys": {"movie_id": {"S": (new or old or {}).get("movie_id", "?")}},
        "SequenceNumber": str(next(_sequence)),
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        change["NewImage"] = {k: _serialize(v) for k, v in new.items()}
    if old is not None:
        change["OldImage"] = {k: _serialize(v) for k, v in old.items()}
    return {
        "eventID": change["SequenceNumber"],
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": get_settings().region,
        "dynamodb": change,
        "eventSourceARN": arn(table or Movie.Meta.table_name),
    }


def movie(movie_id: str = "m1", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "movie_id": movie_id,
        "title": "流浪地球",
        "original_title": "The Wandering Earth",
        "synopsis": "太阳即将毁灭，人类带着地球逃离。Humanity flees the dying sun.",
        "genre_ids": ["scifi"],
        "release_date": "2019-02-05",
        "listed": "1",
        "deleted": False,
        "view_count": 1,
    }
    item.update(changes)
    return item


def deliver(*records: dict[str, Any]) -> dict[str, Any]:
    return indexer.handler({"Records": list(records)}, LambdaContext("indexer"))


def found(text: str) -> list[str]:
    return [h.document.movie_id for h in get_index().search(SearchQuery(text=text)).hits]


def test_an_inserted_movie_is_searchable_in_chinese_and_english() -> None:
    assert deliver(record("INSERT", new=movie())) == {"batchItemFailures": []}
    assert found("人类带着地球") == ["m1"]
    assert found("flees") == ["m1"]


def test_an_edit_replaces_the_indexed_text() -> None:
    deliver(record("INSERT", new=movie()))
    edited = movie(synopsis="一座移动的城市。A moving city.")
    deliver(record("MODIFY", new=edited, old=movie()))
    assert found("移动的城市") == ["m1"]
    assert found("flees") == []


def test_a_soft_delete_or_a_removal_takes_the_movie_out() -> None:
    deliver(record("INSERT", new=movie("m1")), record("INSERT", new=movie("m2")))
    deleted = movie("m1", deleted=True)
    del deleted["listed"]
    deliver(record("MODIFY", new=deleted, old=movie("m1")), record("REMOVE", old=movie("m2")))
    assert found("flees") == []


def test_a_counter_only_change_writes_nothing() -> None:
    assert indexer.record_handler(_parsed(record("INSERT", new=movie()))) == "indexed"
    counted = record("MODIFY", new=movie(view_count=2), old=movie())
    assert indexer.record_handler(_parsed(counted)) == "unchanged"


def test_records_of_other_tables_are_ignored_not_failed() -> None:
    other = record("INSERT", new=movie("w1"), table=get_settings().table_name("widgets"))
    assert deliver(other) == {"batchItemFailures": []}
    assert found("flees") == []


def test_a_poison_record_fails_alone_and_the_rest_are_indexed() -> None:
    poison = record("INSERT", new={"title": "no id"})
    answer = deliver(record("INSERT", new=movie("m1")), poison, record("INSERT", new=movie("m2")))
    assert answer == {
        "batchItemFailures": [{"itemIdentifier": poison["dynamodb"]["SequenceNumber"]}]
    }
    assert sorted(found("flees")) == ["m1", "m2"]


def _parsed(raw: dict[str, Any]) -> Any:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

    return DynamoDBRecord(raw)
