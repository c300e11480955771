"""DynamoDB table shapes read from the pynamodb models, so the tables are described once.

pynamodb's own ``_get_schema()`` (what ``create_table`` sends, and what the local bootstrap
creates) gives keys, attribute types and indexes; the TTL attribute and the stream view
type come from the model class and its ``Meta``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.models import Model


@dataclass(frozen=True)
class Key:
    name: str
    type: str  # "S" | "N" | "B"


@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: Key
    sort_key: Key | None
    projection: str  # "ALL" | "KEYS_ONLY" | "INCLUDE"
    non_key_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    short_name: str
    partition_key: Key
    sort_key: Key | None
    global_indexes: tuple[IndexSpec, ...]
    local_indexes: tuple[IndexSpec, ...]
    ttl_attribute: str | None
    stream_view_type: str | None


def _keys(key_schema: list[dict[str, str]], types: dict[str, str]) -> tuple[Key, Key | None]:
    by_role = {k["KeyType"]: k["AttributeName"] for k in key_schema}
    hash_name = by_role["HASH"]
    range_name = by_role.get("RANGE")
    return (
        Key(hash_name, types[hash_name]),
        Key(range_name, types[range_name]) if range_name else None,
    )


def _index(schema: dict[str, Any], types: dict[str, str]) -> IndexSpec:
    partition_key, sort_key = _keys(schema["key_schema"], types)
    projection = schema["projection"]
    return IndexSpec(
        name=schema["index_name"],
        partition_key=partition_key,
        sort_key=sort_key,
        projection=projection["ProjectionType"],
        non_key_attributes=tuple(projection.get("NonKeyAttributes") or ()),
    )


def table_spec(model: type[Model]) -> TableSpec:
    """The deployable shape of one model's table."""
    from chalicelib.core.dynamo import short_name

    schema: dict[str, Any] = dict(model._get_schema())
    types = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    partition_key, sort_key = _keys(schema["key_schema"], types)
    ttl = model._ttl_attribute()
    return TableSpec(
        short_name=short_name(model),
        partition_key=partition_key,
        sort_key=sort_key,
        global_indexes=tuple(_index(s, types) for s in schema["global_secondary_indexes"]),
        local_indexes=tuple(_index(s, types) for s in schema["local_secondary_indexes"]),
        ttl_attribute=ttl.attr_name if ttl is not None else None,
        stream_view_type=getattr(model.Meta, "stream_view_type", None),
    )


def all_table_specs() -> list[TableSpec]:
    """Every table of the application, in a stable order."""
    from chalicelib.core.dynamo import all_models

    return sorted((table_spec(m) for m in all_models()), key=lambda s: s.short_name)
