"""One settings object, read from the environment once per container.

On AWS the environment comes from `.chalice/config.json` and the CDK app (which also
points ``SECRETS_ID`` at a Secrets Manager secret holding the keys); locally `local/`
sets it. Nothing else in the code reads ``os.environ``: ask ``get_settings()``.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

#: Environment variable -> settings field. Secrets are marked so they never get logged.
ENV_VARS: dict[str, str] = {
    "STAGE": "stage",
    "AWS_REGION": "region",
    "TABLE_PREFIX": "table_prefix",
    "AWS_ENDPOINT_URL_DYNAMODB": "dynamodb_endpoint",
    "AWS_ENDPOINT_URL_S3": "s3_endpoint",
    "AWS_ENDPOINT_URL_SQS": "sqs_endpoint",
    "AWS_ENDPOINT_URL_SES": "ses_endpoint",
    "MEDIA_BUCKET": "media_bucket",
    "EMAIL_QUEUE_NAME": "email_queue_name",
    "EMAIL_SENDER": "email_sender",
    "STRIPE_API_KEY": "stripe_api_key",
    "STRIPE_API_BASE": "stripe_api_base",
    "STRIPE_WEBHOOK_SECRET": "stripe_webhook_secret",
    "JWT_SECRET": "jwt_secret",
    "TICKET_HMAC_KEY": "ticket_hmac_key",
    "CURSOR_SECRET": "cursor_secret",
    "CORS_ALLOWED_ORIGINS": "cors_allowed_origins",
    "SEARCH_BACKEND": "search_backend",
    "SEARCH_SQLITE_PATH": "search_sqlite_path",
    "OPENSEARCH_URL": "opensearch_url",
    "OPENSEARCH_REPLICAS": "opensearch_replicas",
    "SECRETS_ID": "secrets_id",
    "OUTBOX_DIR": "outbox_dir",
    "CINEMA_TIMEZONE": "cinema_timezone",
    "MEDIA_BASE_URL": "media_base_url",
    "MAX_SEATS_PER_ORDER": "max_seats_per_order",
    "HOLD_MINUTES": "hold_minutes",
    "SALES_CLOSE_MINUTES": "sales_close_minutes",
    "PAID_CANCEL_MINUTES": "paid_cancel_minutes",
    "STRANDED_SEAT_RULE": "stranded_seat_rule",
    "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "rate_limit_anonymous_per_minute",
    "RATE_LIMIT_USER_PER_MINUTE": "rate_limit_user_per_minute",
    "ACCESS_TOKEN_TTL_SECONDS": "access_token_ttl_seconds",
    "REFRESH_TOKEN_TTL_SECONDS": "refresh_token_ttl_seconds",
    "LOGIN_MAX_FAILURES": "login_max_failures",
    "LOGIN_LOCKOUT_SECONDS": "login_lockout_seconds",
    "ARGON2_TIME_COST": "argon2_time_cost",
    "ARGON2_MEMORY_KIB": "argon2_memory_kib",
    "ARGON2_PARALLELISM": "argon2_parallelism",
}

SECRET_FIELDS = frozenset(
    {"stripe_api_key", "stripe_webhook_secret", "jwt_secret", "ticket_hmac_key", "cursor_secret"}
)


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


class Settings(BaseModel):
    """Everything configurable. Domain numbers marked *config* in DOMAIN.md live here too."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str = "local"
    region: str = "us-east-1"
    table_prefix: str = "marquee-local-"
    dynamodb_endpoint: str | None = None
    s3_endpoint: str | None = None
    sqs_endpoint: str | None = None
    ses_endpoint: str | None = None
    media_bucket: str = "marquee-local-media"
    email_queue_name: str = "marquee-local-email"
    email_sender: str = "no-reply@marquee.local"
    stripe_api_key: str = ""
    stripe_api_base: str | None = None
    stripe_webhook_secret: str = ""
    jwt_secret: str = ""
    ticket_hmac_key: str = ""
    cursor_secret: str = ""
    cors_allowed_origins: tuple[str, ...] = ("http://localhost:3000",)
    search_backend: Literal["sqlite", "opensearch"] = "sqlite"
    search_sqlite_path: str = ".local/search.sqlite3"
    opensearch_url: str | None = None
    # Replicas of the search index: 0 on a single-node domain (else it stays yellow).
    opensearch_replicas: int = Field(default=1, ge=0, le=5)
    secrets_id: str | None = None
    outbox_dir: str | None = None

    # HTTP
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)

    # Booking (DOMAIN.md, Seats, holds and orders)
    max_seats_per_order: int = Field(default=6, gt=0)
    hold_minutes: int = Field(default=10, gt=0)
    sales_close_minutes: int = Field(default=15, ge=0)
    paid_cancel_minutes: int = Field(default=120, ge=0)
    stranded_seat_rule: bool = True

    # Catalogue (DOMAIN.md, Catalogue)
    showtime_cleaning_minutes: int = Field(default=15, ge=0)
    movie_showing_days: int = Field(default=60, gt=0)  # run length when no end date is set
    cinema_timezone: str = "Asia/Shanghai"  # where a "date" filter's day begins and ends
    media_base_url: str | None = None  # public URL of the media bucket (CDN); else S3's

    # Accounts (DOMAIN.md, Accounts and Rate limits)
    rate_limit_anonymous_per_minute: int = Field(default=100, gt=0)
    rate_limit_user_per_minute: int = Field(default=1000, gt=0)
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, gt=0)
    code_ttl_seconds: int = Field(default=5 * 60, gt=0)
    code_resend_seconds: int = Field(default=60, gt=0)
    code_max_attempts: int = Field(default=5, gt=0)
    login_max_failures: int = Field(default=5, gt=0)
    login_failure_window_seconds: int = Field(default=15 * 60, gt=0)
    login_lockout_seconds: int = Field(default=15 * 60, gt=0)
    # Argon2id cost; the defaults are RFC 9106's second recommendation (64 MiB).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=64 * 1024, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    upload_url_ttl_seconds: int = Field(default=10 * 60, gt=0)

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    def table_name(self, short_name: str) -> str:
        return f"{self.table_prefix}{short_name}"

    def endpoint_for(self, service: str) -> str | None:
        return {
            "dynamodb": self.dynamodb_endpoint,
            "dynamodbstreams": self.dynamodb_endpoint,
            "s3": self.s3_endpoint,
            "sqs": self.sqs_endpoint,
            "ses": self.ses_endpoint,
        }.get(service)

    def require(self, field: str) -> str:
        """A secret or setting a code path cannot work without; fail loudly, not later."""
        value = getattr(self, field)
        if not value:
            raise ConfigError(f"setting {field!r} is not configured")
        return str(value)

    def redacted(self) -> dict[str, Any]:
        return {k: ("***" if k in SECRET_FIELDS and v else v) for k, v in self.model_dump().items()}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            field: env[var] for var, field in ENV_VARS.items() if env.get(var) not in (None, "")
        }
        # One or more secrets, comma-separated (infrastructure/ generates one per key).
        for secret_id in (values.get("secrets_id") or "").split(","):
            if secret_id.strip():
                values.update(_load_secret(secret_id.strip(), values.get("region", "us-east-1")))
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigError(f"invalid configuration: {exc}") from exc


def _load_secret(secret_id: str, region: str) -> dict[str, str]:
    """Keys held in one Secrets Manager JSON secret, fetched once per cold start."""
    import boto3

    raw = boto3.client("secretsmanager", region_name=region).get_secret_value(SecretId=secret_id)
    data = json.loads(raw["SecretString"])
    return {field: str(data[field]) for field in SECRET_FIELDS if data.get(field)}


_lock = threading.Lock()
_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    if _settings is None:
        with _lock:
            if _settings is None:
                _settings = Settings.from_env()
    return _settings


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    global _settings
    with _lock:
        _settings = None
