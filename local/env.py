"""The environment the application sees when it runs against the local stand-ins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Fixed, public, local-only secrets: the stand-ins accept any value, and these must
#: never be used on AWS (where they come from Secrets Manager).
LOCAL_SECRETS = {
    "STRIPE_API_KEY": "sk_test_marquee_local",
    "STRIPE_WEBHOOK_SECRET": "whsec_marquee_local",
    "JWT_SECRET": "local-jwt-signing-key-change-me-0123456789",
    "TICKET_HMAC_KEY": "local-ticket-hmac-key-0123456789",
    "CURSOR_SECRET": "local-cursor-key-0123456789",
}


@dataclass(frozen=True)
class Ports:
    api: int = 8000
    dynamodb: int = 8001
    moto: int = 8002
    stripe: int = 8003


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
        "MEDIA_BUCKET": f"{prefix}media",
        "EMAIL_QUEUE_NAME": f"{prefix}email",
        "EMAIL_SENDER": "no-reply@marquee.local",
        "STRIPE_API_BASE": f"http://127.0.0.1:{ports.stripe}",
        "CORS_ALLOWED_ORIGINS": "http://localhost:3000,http://127.0.0.1:3000,http://localhost:5173",
        "SEARCH_BACKEND": "sqlite",
        "SEARCH_SQLITE_PATH": str(state_dir / "search.sqlite3"),
        "OUTBOX_DIR": str(state_dir / "outbox"),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "marquee",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        **LOCAL_SECRETS,
    }
