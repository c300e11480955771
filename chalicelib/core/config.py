"""One settings object, read from the environment once per container (pydantic-settings).

Every field is an environment variable: its upper-case name, or the alias given below
where AWS names it (``AWS_REGION``, ``AWS_ENDPOINT_URL_*``). On AWS the environment comes
from the CDK app; locally `local/` sets it. Nothing else in the code reads ``os.environ``:
ask ``get_settings()``.

Settings hold no secret values, only the ids of the Secrets Manager secrets that hold
them: ``chalicelib.core.secrets`` fetches those on first use and reloads them on a TTL,
so a rotated key reaches warm containers without a redeploy.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DAY = 24 * 3600


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


class Settings(BaseSettings):
    """Everything configurable. Domain numbers marked *config* in DOMAIN.md live here too."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        case_sensitive=False,
        env_ignore_empty=True,  # an empty variable means "not set", so the default applies
        validate_by_name=True,  # tests and tools may pass field names
    )

    stage: str = "local"
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    table_prefix: str = "marquee-local-"
    dynamodb_endpoint: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_DYNAMODB"
    )
    s3_endpoint: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_S3")
    sqs_endpoint: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_SQS")
    ses_endpoint: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_SES")
    secretsmanager_endpoint: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_SECRETS_MANAGER"
    )
    media_bucket: str = "marquee-local-media"
    exports_bucket: str = "marquee-local-exports"  # private: CSV exports, presigned GETs
    email_queue_name: str = "marquee-local-email"
    email_sender: str = "no-reply@marquee.local"
    stripe_api_base: str | None = None
    # Comma-separated in the environment; the first one is Chalice's static CORS origin.
    cors_allowed_origins: Annotated[tuple[str, ...], NoDecode] = ("http://localhost:3000",)
    opensearch_url: str | None = None
    # Replicas of the search index: 0 on a single-node domain (else it stays yellow).
    opensearch_replicas: int = Field(default=1, ge=0, le=5)
    # Refresh on every write (the local node), instead of the engine's one-second refresh.
    opensearch_refresh_writes: bool = False
    outbox_dir: str | None = None

    # Secrets (ids or ARNs in Secrets Manager; the values never pass through settings)
    jwt_keys_secret_id: str | None = None  # signs access/refresh tokens and code hashes
    ticket_keys_secret_id: str | None = None  # signs ticket codes
    cursor_keys_secret_id: str | None = None  # signs pagination cursors
    stripe_secret_id: str | None = None  # {"stripe_api_key", "stripe_webhook_secret"}
    # How long a fetched secret is used before it is fetched again (Powertools max_age).
    secrets_max_age_seconds: int = Field(default=300, ge=0)
    # How long a retired signing key still verifies after a rotation. JWT: the refresh
    # token's life, so a planned rotation signs nobody out. Tickets: codes were e-mailed
    # with the order, so they must verify until any show sold before the rotation is over.
    jwt_key_overlap_seconds: int = Field(default=14 * DAY, ge=0)
    ticket_key_overlap_seconds: int = Field(default=365 * DAY, ge=0)
    cursor_key_overlap_seconds: int = Field(default=1 * DAY, ge=0)

    # HTTP
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    # /health checks the dependencies at most once per this many seconds per container.
    health_cache_seconds: int = Field(default=30, ge=0)

    # E-mails one mailer may send per second (the deployment divides the SES rate among
    # the mailers); unset: as fast as SES answers.
    email_send_rate: float | None = Field(default=None, gt=0)

    # Booking (DOMAIN.md, Seats, holds and orders)
    max_seats_per_order: int = Field(default=6, gt=0)
    hold_minutes: int = Field(default=10, gt=0)
    sales_close_minutes: int = Field(default=15, ge=0)
    paid_cancel_minutes: int = Field(default=120, ge=0)
    stranded_seat_rule: bool = True

    # Box office (README, Box office)
    checkin_late_minutes: int = Field(default=30, ge=0)  # check-in closes after the show's end
    checkin_undo_minutes: int = Field(default=10, gt=0)  # a check-in may be undone this long
    export_url_ttl_seconds: int = Field(default=3600, gt=0)  # the presigned CSV link
    boxoffice_queue_name: str = "marquee-local-boxoffice"  # cancellation fan-out, exports

    # Catalogue (DOMAIN.md, Catalogue)
    showtime_cleaning_minutes: int = Field(default=15, ge=0)
    movie_showing_days: int = Field(default=60, gt=0)  # run length when no end date is set
    cinema_timezone: str = "Asia/Shanghai"  # where a "date" filter's day begins and ends
    media_base_url: str | None = None  # public URL of the media bucket (CDN); else S3's

    # Accounts (DOMAIN.md, Accounts and Rate limits)
    rate_limit_anonymous_per_minute: int = Field(default=100, gt=0)
    rate_limit_user_per_minute: int = Field(default=1000, gt=0)
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=14 * DAY, gt=0)
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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment only: no .env file or secrets directory changes behaviour unseen.
        return init_settings, env_settings

    @classmethod
    def env_names(cls) -> dict[str, str]:
        """Settings field -> the environment variable that sets it."""
        return {
            name: str(info.validation_alias or name).upper()
            for name, info in cls.model_fields.items()
        }

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
            "secretsmanager": self.secretsmanager_endpoint,
        }.get(service)

    def require(self, field: str) -> str:
        """A setting a code path cannot work without; fail loudly, not later."""
        value = getattr(self, field)
        if not value:
            raise ConfigError(f"setting {field!r} is not configured")
        return str(value)


def load_settings() -> Settings:
    """Settings from the current environment; an invalid value is a ``ConfigError``."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc


_lock = threading.Lock()
_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    if _settings is None:
        with _lock:
            if _settings is None:
                _settings = load_settings()
    return _settings


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    global _settings
    with _lock:
        _settings = None
