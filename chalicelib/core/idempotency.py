"""Powertools idempotency, persisted in our own DynamoDB table.

Used where a repeat must not act twice: SQS messages in the mailer, ``POST /orders``
with an ``Idempotency-Key``.
"""

from __future__ import annotations

import threading
from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


@register_table
class IdempotencyRecord(Model):
    """Shape required by Powertools' DynamoDB persistence layer (it writes the rest)."""

    Meta = table_meta("idempotency")

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


_lock = threading.Lock()
_layer: Any = None


def persistence_layer() -> Any:
    """One ``DynamoDBPersistenceLayer`` per container, on our endpoint."""
    global _layer
    if _layer is None:
        with _lock:
            if _layer is None:
                from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

                from chalicelib.core.aws import client

                _layer = DynamoDBPersistenceLayer(
                    table_name=IdempotencyRecord.Meta.table_name,
                    boto3_client=client("dynamodb"),
                )
    return _layer
