"""Powertools idempotency, persisted in our own DynamoDB table.

Used where a repeat must not act twice: SQS messages in the mailer, ``POST /orders``
with an ``Idempotency-Key``.
"""

from __future__ import annotations

import threading
from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.aws import client
from chalicelib.core.dynamo import register_table, table_meta


@register_table
class IdempotencyRecord(Model):
    """Shape required by Powertools' DynamoDB persistence layer (it writes the rest)."""

    Meta = table_meta("idempotency")

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


_lock = threading.Lock()
_layers: dict[str, Any] = {}


def persistence_layer(owner: str = "default") -> Any:
    """One ``DynamoDBPersistenceLayer`` per container and idempotent function, on our
    endpoint. Powertools configures a layer once, from the first function that uses it
    (its key expression and name), so each idempotent function passes its own ``owner``
    (they share one process in the local stack and the tests)."""
    if owner not in _layers:
        with _lock:
            if owner not in _layers:
                # on first use: Powertools' idempotency utility is a cold-start cost
                from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

                _layers[owner] = DynamoDBPersistenceLayer(
                    table_name=IdempotencyRecord.Meta.table_name,
                    boto3_client=client("dynamodb"),
                )
    return _layers[owner]
