"""Secrets from Secrets Manager, through Powertools' parameters utility.

Nothing is fetched at import or cold start: a secret is fetched the first time a request
needs it, then served from memory for ``secrets_max_age_seconds`` and fetched again, so
a rotated key reaches every warm container within that time. Settings name the secrets
(``*_SECRET_ID``); the values never pass through settings, logs or the environment.

A secret that cannot be had is a 503 (the request may succeed later), never a 500. The
Stripe secret is created empty by the CDK app and filled by an operator: until then
everything that needs Stripe answers 503 ``payments-not-configured``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.observability import logger

#: A verifier meeting a kid it does not know fetches its ring again, at most this often
#: (per secret), so forged kids cannot turn requests into Secrets Manager calls.
MIN_FORCED_REFRESH_SECONDS = 30.0


class SecretUnavailable(ServiceUnavailable):
    slug, title = "secret-unavailable", "Service Unavailable"


class PaymentsNotConfigured(ServiceUnavailable):
    slug, title = "payments-not-configured", "Payments Not Configured"


_lock = threading.Lock()
_provider: Any = None
_forced_at: dict[str, float] = {}


def _secrets_provider() -> Any:
    global _provider
    if _provider is None:
        with _lock:
            if _provider is None:
                # Imported on first use: the parameters utility pulls in boto3.
                from aws_lambda_powertools.utilities.parameters import SecretsProvider

                _provider = SecretsProvider(boto3_client=client("secretsmanager"))
    return _provider


def secret_values(secret_id: str, *, force: bool = False) -> dict[str, Any]:
    """The JSON object held by ``secret_id``, at most ``secrets_max_age_seconds`` old
    (``force``: fetched now)."""
    from aws_lambda_powertools.utilities.parameters.exceptions import (
        GetParameterError,
        TransformParameterError,
    )

    try:
        value = _secrets_provider().get(
            secret_id,
            max_age=get_settings().secrets_max_age_seconds,
            transform="json",
            force_fetch=force,
        )
    except (GetParameterError, TransformParameterError) as exc:
        # The message names the secret and the AWS error, never the value.
        logger.error("secret not available", extra={"secret_id": secret_id, "error": str(exc)})
        raise SecretUnavailable("A key this request needs is not available; try again.") from exc
    if not isinstance(value, dict):
        logger.error("secret is not a JSON object", extra={"secret_id": secret_id})
        raise SecretUnavailable("A key this request needs is not available; try again.")
    return value


def refreshed_values(secret_id: str) -> dict[str, Any] | None:
    """The secret fetched now, unless it was force-fetched in the last
    ``MIN_FORCED_REFRESH_SECONDS`` (then ``None``: the cached value is as new as allowed)."""
    now = time.monotonic()
    with _lock:
        last = _forced_at.get(secret_id)
        if last is not None and now - last < MIN_FORCED_REFRESH_SECONDS:
            return None
        _forced_at[secret_id] = now
    return secret_values(secret_id, force=True)


def reset_secrets() -> None:
    """Forget every fetched secret (tests, and the local stack when it changes them)."""
    global _provider
    with _lock:
        _provider = None
        _forced_at.clear()


# --- Stripe ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StripeKeys:
    api_key: str
    webhook_secret: str


def stripe_keys() -> StripeKeys:
    """The Stripe API key and webhook signing secret; 503 until an operator has set both."""
    secret_id = get_settings().stripe_secret_id
    not_configured = PaymentsNotConfigured(
        "Payments are not configured on this deployment yet; try again later.",
        headers={"Retry-After": "300"},
    )
    if not secret_id:
        logger.error("STRIPE_SECRET_ID is not set")
        raise not_configured
    try:
        values = secret_values(secret_id)
    except SecretUnavailable as exc:
        raise not_configured from exc
    api_key, webhook_secret = values.get("stripe_api_key"), values.get("stripe_webhook_secret")
    if not api_key or not webhook_secret:
        logger.error("the Stripe secret is not filled in", extra={"secret_id": secret_id})
        raise not_configured
    return StripeKeys(str(api_key), str(webhook_secret))


def stripe_api_key() -> str:
    return stripe_keys().api_key


def stripe_webhook_secret() -> str:
    """What ``stripe.Webhook.construct_event`` needs; 503 while it is not configured."""
    return stripe_keys().webhook_secret
