"""The deployment keeps each key in its own secret and lists them all in ``SECRETS_ID``;
the settings merge them at cold start. Checked against the Secrets Manager of the local
stand-in (moto), with the secrets the stack creates: generated keys plus a Stripe secret
whose fields are still empty."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.core.config import Settings
from infrastructure.components.secrets import GENERATED_KEYS, STRIPE_FIELDS
from tests.infrastructure.helpers import resources


def test_settings_merge_every_listed_secret_and_skip_empty_fields(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = f"http://127.0.0.1:{stack.ports.moto}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint)
    client = boto3.client("secretsmanager", region_name="us-east-1")
    arns = []
    for field in GENERATED_KEYS:
        arns.append(
            client.create_secret(
                Name=f"test/{field}", SecretString=json.dumps({field: f"value-of-{field}"})
            )["ARN"]
        )
    arns.append(
        client.create_secret(
            Name="test/stripe", SecretString=json.dumps(dict.fromkeys(STRIPE_FIELDS, ""))
        )["ARN"]
    )

    settings = Settings.from_env({"SECRETS_ID": ",".join(arns), "AWS_REGION": "us-east-1"})

    for field in GENERATED_KEYS:
        assert getattr(settings, field) == f"value-of-{field}"
    assert settings.stripe_api_key == ""  # not configured yet: require() will say so


def test_each_key_is_generated_in_its_own_secret_and_stripe_starts_empty(
    template: dict[str, Any],
) -> None:
    secrets = [r["Properties"] for r in resources(template, "AWS::SecretsManager::Secret").values()]
    generated = {
        s["GenerateSecretString"]["GenerateStringKey"]
        for s in secrets
        if "GenerateSecretString" in s
    }
    assert generated == set(GENERATED_KEYS)
    (stripe,) = [s for s in secrets if "SecretString" in s]
    assert json.loads(stripe["SecretString"]) == dict.fromkeys(STRIPE_FIELDS, "")
