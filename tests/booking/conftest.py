"""Fixtures of the booking tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core.dynamo import all_models
from chalicelib.core.transactions import connection


@pytest.fixture
def requests_sent() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB request the application sends meanwhile: (operation, parameters)."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        sent.append((model.name, params))

    clients = [connection().client] + [m._get_connection().connection.client for m in all_models()]
    for client in clients:
        client.meta.events.register("provide-client-params.dynamodb", record)
    yield sent
    for client in clients:
        client.meta.events.unregister("provide-client-params.dynamodb", record)
