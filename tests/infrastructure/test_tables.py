"""Every table of the deployment is the table a pynamodb model describes: the expected
shapes are read here from the models themselves (``_get_schema()``, what ``create_table``
and the local bootstrap use), compared by short name since this session imported the
models with the test prefix."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.models import Model

from chalicelib.core.dynamo import all_models, short_name
from tests.infrastructure.helpers import resources


def app_models() -> list[type[Model]]:
    """The application's models; other tests register test-only tables (``widgets``) in
    this process, which the deployment (a process of its own) never sees."""
    return [m for m in all_models() if not m.__module__.startswith("tests.")]


def deployed_tables(template: dict[str, Any], stage: str) -> dict[str, dict[str, Any]]:
    prefix = f"marquee-{stage}-"
    tables = {}
    for resource in resources(template, "AWS::DynamoDB::Table").values():
        props = resource["Properties"]
        assert props["TableName"].startswith(prefix)
        tables[props["TableName"][len(prefix) :]] = {**resource, **props}
    return tables


def _key_schema(entries: list[dict[str, str]]) -> list[tuple[str, str]]:
    return sorted((e["AttributeName"], e["KeyType"]) for e in entries)


def _indexes(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """CloudFormation's spelling (``IndexName``) or pynamodb's (``index_name``)."""

    def get(entry: dict[str, Any], cfn: str, pynamodb: str) -> Any:
        return entry[cfn] if cfn in entry else entry[pynamodb]

    shapes = {}
    for entry in entries:
        projection = get(entry, "Projection", "projection")
        shapes[get(entry, "IndexName", "index_name")] = (
            _key_schema(get(entry, "KeySchema", "key_schema")),
            projection["ProjectionType"],
            sorted(projection.get("NonKeyAttributes", [])),
        )
    return shapes


def expected(model: type[Model]) -> dict[str, Any]:
    schema: dict[str, Any] = dict(model._get_schema())
    ttl = model._ttl_attribute()
    return {
        "keys": _key_schema(schema["key_schema"]),
        "attributes": sorted(
            (a["AttributeName"], a["AttributeType"]) for a in schema["attribute_definitions"]
        ),
        "gsis": _indexes(schema["global_secondary_indexes"]),
        "lsis": _indexes(schema["local_secondary_indexes"]),
        "ttl": ttl.attr_name if ttl is not None else None,
        "stream": getattr(model.Meta, "stream_view_type", None),
    }


def actual(table: dict[str, Any]) -> dict[str, Any]:
    ttl = table.get("TimeToLiveSpecification")
    return {
        "keys": _key_schema(table["KeySchema"]),
        "attributes": sorted(
            (a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]
        ),
        "gsis": _indexes(table.get("GlobalSecondaryIndexes", [])),
        "lsis": _indexes(table.get("LocalSecondaryIndexes", [])),
        "ttl": ttl["AttributeName"] if ttl and ttl["Enabled"] else None,
        "stream": (table.get("StreamSpecification") or {}).get("StreamViewType"),
    }


def test_there_is_one_table_per_model_and_no_other(synth: Any, template: dict[str, Any]) -> None:
    deployed = deployed_tables(template, synth.stage)
    assert sorted(deployed) == sorted(short_name(m) for m in app_models())


@pytest.mark.parametrize("model", app_models(), ids=short_name)
def test_table_keys_indexes_ttl_and_stream_match_the_model(
    model: type[Model], synth: Any, template: dict[str, Any]
) -> None:
    table = deployed_tables(template, synth.stage)[short_name(model)]
    assert actual(table) == expected(model)


def test_tables_are_on_demand_with_point_in_time_recovery(
    synth: Any, template: dict[str, Any]
) -> None:
    for name, table in deployed_tables(template, synth.stage).items():
        assert table["BillingMode"] == "PAY_PER_REQUEST", name
        assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name


def test_prod_tables_are_protected_and_kept_dev_tables_are_not(
    synth: Any, template: dict[str, Any]
) -> None:
    prod = synth.stage == "prod"
    for name, table in deployed_tables(template, synth.stage).items():
        assert table.get("DeletionProtectionEnabled", False) is prod, name
        assert table["DeletionPolicy"] == ("Retain" if prod else "Delete"), name


def test_only_the_tables_whose_model_asks_for_a_stream_have_one(
    synth: Any, template: dict[str, Any]
) -> None:
    streamed = {
        name
        for name, table in deployed_tables(template, synth.stage).items()
        if "StreamSpecification" in table
    }
    wanted = {short_name(m) for m in app_models() if getattr(m.Meta, "stream_view_type", None)}
    assert streamed == wanted
    assert "movies" in streamed  # the search indexer's input
