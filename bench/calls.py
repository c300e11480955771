"""Counting DynamoDB requests: a botocore ``before-send`` hook on each client, so every
HTTP request is counted, retries included, whoever sends it (pynamodb or boto3)."""

from __future__ import annotations

import threading
from typing import Any


class CallCounter:
    def __init__(self) -> None:
        self._attached: set[int] = set()
        self._lock = threading.Lock()
        self.value = 0

    def _hook(self, **_: Any) -> None:
        with self._lock:
            self.value += 1

    def attach(self, client: Any) -> None:
        if id(client) not in self._attached:
            client.meta.events.register("before-send.dynamodb", self._hook)
            self._attached.add(id(client))

    def attach_application(self) -> None:
        """Every connection the application's models and transactions use."""
        from chalicelib.core.dynamo import all_models
        from chalicelib.core.transactions import connection

        self.attach(connection().client)
        for model in all_models():
            self.attach(model._get_connection().connection.client)

    def reset(self) -> None:
        with self._lock:
            self.value = 0
