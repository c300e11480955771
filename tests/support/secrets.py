"""Secrets of one test alone, in the Secrets Manager stand-in (moto), named through the
settings, so rotating or emptying them touches no other test."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import pytest

from chalicelib.core.aws import client
from chalicelib.core.config import Settings, reset_settings
from chalicelib.core.keys import INITIAL_KID
from chalicelib.core.secrets import reset_secrets
from chalicelib.core.signing import RINGS


def fresh_ring() -> dict[str, Any]:
    """A ring as the CDK app generates it."""
    return {"kid": INITIAL_KID, "secret": secrets.token_urlsafe(48), "previous": []}


def ring_field(ring: str) -> str:
    return f"{ring}_keys_secret_id"


class OwnSecrets:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.ids: dict[str, str] = {}

    def create(self, field: str, value: Any) -> str:
        """A new secret holding ``value`` (JSON), named by the setting ``field``."""
        secret_id = f"test-own/{field}-{uuid.uuid4().hex[:8]}"
        client("secretsmanager").create_secret(Name=secret_id, SecretString=json.dumps(value))
        self.ids[field] = secret_id
        self.monkeypatch.setenv(Settings.env_names()[field], secret_id)
        self.forget()
        return secret_id

    def create_rings(self) -> None:
        for ring in RINGS:
            self.create(ring_field(ring), fresh_ring())

    def put(self, field: str, value: Any) -> None:
        client("secretsmanager").put_secret_value(
            SecretId=self.ids[field], SecretString=json.dumps(value)
        )

    def read(self, field: str) -> Any:
        stored = client("secretsmanager").get_secret_value(SecretId=self.ids[field])
        return json.loads(stored["SecretString"])

    def set(self, variable: str, value: str) -> None:
        """Another setting for this test (``SECRETS_MAX_AGE_SECONDS``, an overlap window)."""
        self.monkeypatch.setenv(variable, value)
        self.forget()

    @staticmethod
    def forget() -> None:
        """What a new container would know: settings and secrets read afresh."""
        from chalicelib.core.stripe_api import reset_stripe_client

        reset_settings()
        reset_secrets()
        reset_stripe_client()

    def delete_all(self) -> None:
        for secret_id in self.ids.values():
            client("secretsmanager").delete_secret(
                SecretId=secret_id, ForceDeleteWithoutRecovery=True
            )
