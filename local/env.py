"""The environment the application sees when it runs against the local stand-ins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _ring(secret: str) -> dict[str, Any]:
    return {"kid": "local", "secret": secret, "previous": []}


#: Settings field -> (secret name after the prefix, value). Fixed, public, local-only
#: secrets that the bootstrap puts into the Secrets Manager stand-in, in the shapes the CDK
#: app deploys (``chalicelib.core.keys``), so tokens survive a restart of ``make dev``.
#: The stand-ins accept any value; never use these on AWS.
LOCAL_SECRETS: dict[str, tuple[str, dict[str, Any]]] = {
    "jwt_keys_secret_id": ("jwt-keys", _ring("local-jwt-signing-key-change-me-0123456789")),
    "ticket_keys_secret_id": ("ticket-keys", _ring("local-ticket-signing-key-0123456789")),
    "cursor_keys_secret_id": ("cursor-keys", _ring("local-cursor-signing-key-0123456789")),
    "stripe_secret_id": (
        "stripe",
        {"stripe_api_key": "sk_test_marquee_local", "stripe_webhook_secret": "whsec_marquee_local"},
    ),
}


@dataclass(frozen=True)
class Ports:
    api: int = 8000
    dynamodb: int = 8001
    moto: int = 8002
    stripe: int = 8003
    web: int = 8004
    opensearch: int = 8005


def local_environment(
    ports: Ports, state_dir: Path, prefix: str = "marquee-local-"
) -> dict[str, str]:
    moto = f"http://127.0.0.1:{ports.moto}"
    return {
        "STAGE": "local",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "TABLE_PREFIX": prefix,
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{ports.dynamodb}",
        "AWS_ENDPOINT_URL_S3": moto,
        "AWS_ENDPOINT_URL_SQS": moto,
        "AWS_ENDPOINT_URL_SES": moto,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto,
        "MEDIA_BUCKET": f"{prefix}media",
        "EMAIL_QUEUE_NAME": f"{prefix}email",
        "EMAIL_SENDER": "no-reply@marquee.local",
        "STRIPE_API_BASE": f"http://127.0.0.1:{ports.stripe}",
        # the web client as `make dev` serves it, and Vite's dev server (`npm run dev`)
        "CORS_ALLOWED_ORIGINS": ",".join(
            f"http://{host}:{port}"
            for port in (ports.web, 5173, 3000)
            for host in ("127.0.0.1", "localhost")
        ),
        "OPENSEARCH_URL": f"http://127.0.0.1:{ports.opensearch}",
        # One node holds no replicas; every write is visible to the next search, so an
        # edit shows at once (AWS keeps the cheaper one-second refresh).
        "OPENSEARCH_REPLICAS": "0",
        "OPENSEARCH_REFRESH_WRITES": "true",
        "OUTBOX_DIR": str(state_dir / "outbox"),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "marquee",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        **{field.upper(): f"{prefix}{name}" for field, (name, _) in LOCAL_SECRETS.items()},
    }
