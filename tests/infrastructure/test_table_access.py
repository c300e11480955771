"""Each function is granted exactly the tables and indexes its code can touch.

DynamoDB Local ignores IAM, so this is read from the source: ``code_reach`` follows each
deployed function's handler through the modules and functions it reaches and collects the
registered tables and indexes it names, the tables it scans and those it batch-writes.
``infrastructure/table_access.py`` must state exactly that, and the synthesised role must
grant exactly what it states — no table, index, scan or batch write more or less.
(``test_permissions.py`` then runs the code under those grants.)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from functions import sweeper
from infrastructure.components.access import FUNCTIONS
from infrastructure.table_access import TABLE_ACCESS
from tests.infrastructure.code_reach import Reader, Touches
from tests.infrastructure.helpers import (
    actions_on,
    functions,
    ref_id,
    resources,
    role_statements,
)


def entry_points(handler: str) -> list[str]:
    """Where a deployed handler's code starts (``module:function``, or a module)."""
    module, _, name = handler.rpartition(".")
    if module == "app":
        return ["app"]  # the Chalice app: every route registered by importing it
    entries = [f"{module}:{name}"]
    if module == "functions.sweeper":
        entries += sweeper.TASKS  # called by name (importlib), invisible to the reader
    return entries


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()


def touches(reader: Reader, template: dict[str, Any], stage: str, key: str) -> Touches:
    handler = functions(template)[f"marquee-{stage}-{FUNCTIONS[key]}"]["Handler"]
    return reader.touches(entry_points(handler))


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_the_stated_access_is_what_the_code_touches(
    key: str, reader: Reader, synth: Any, template: dict[str, Any]
) -> None:
    touched = touches(reader, template, synth.stage, key)
    stated = TABLE_ACCESS[key]
    assert set(stated) == touched.tables
    assert {(t, i) for t, access in stated.items() for i in access.indexes} == touched.indexes
    assert {t for t, access in stated.items() if access.scan} == touched.scans
    assert {t for t, access in stated.items() if access.batch_write} == touched.batch_writes


def test_the_reader_follows_calls_not_just_imports(reader: Reader) -> None:
    """The indexer imports the search service, whose query functions read the catalogue;
    the stream handler reaches none of them."""
    assert reader.touches(["functions.indexer:handler"]).tables == set()
    assert "showtimes" in reader.touches(["chalicelib.search.service:search_movies"]).tables


def granted(template: dict[str, Any], stage: str, key: str) -> dict[str, set[str]]:
    """``{"movies": {actions}, "movies/index/by_status": {actions}}`` for one role."""
    tables = {
        logical_id: table["Properties"]["TableName"].removeprefix(f"marquee-{stage}-")
        for logical_id, table in resources(template, "AWS::DynamoDB::Table").items()
    }
    role = ref_id(functions(template)[f"marquee-{stage}-{FUNCTIONS[key]}"]["Role"])
    assert role is not None
    found: dict[str, set[str]] = defaultdict(set)
    for action, resource in actions_on(role_statements(template, role)):
        if not action.startswith("dynamodb:") or "StreamArn" in str(resource):
            continue
        if isinstance(resource, dict) and "Fn::Join" in resource:  # table ARN + "/index/x"
            table_arn, suffix = resource["Fn::Join"][1]
            found[tables[ref_id(table_arn) or ""] + suffix].add(action)
        elif ref_id(resource) in tables:
            found[tables[ref_id(resource) or ""]].add(action)
        else:
            found[str(resource)].add(action)  # ListStreams on "*": the stream's
    found.pop("*", None)
    return dict(found)


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_the_role_grants_exactly_the_stated_access(
    key: str, synth: Any, template: dict[str, Any]
) -> None:
    expected: dict[str, set[str]] = {}
    for table, access in TABLE_ACCESS[key].items():
        expected[table] = set(access.actions)
        for index in access.indexes:
            expected[f"{table}/index/{index}"] = {"dynamodb:Query"} | (
                {"dynamodb:Scan"} if access.scan else set()
            )
    assert granted(template, synth.stage, key) == expected
