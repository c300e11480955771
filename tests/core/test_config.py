import pytest

from chalicelib.core.config import ConfigError, Settings


def test_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "STAGE": "prod",
            "TABLE_PREFIX": "marquee-prod-",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9",
            "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "JWT_SECRET": "k",
        }
    )
    assert settings.stage == "prod"
    assert settings.table_name("users") == "marquee-prod-users"
    assert settings.endpoint_for("dynamodb") == "http://127.0.0.1:9"
    assert settings.endpoint_for("s3") is None
    assert settings.cors_allowed_origins == ("https://a.example", "https://b.example")


def test_defaults_apply_when_the_environment_is_empty() -> None:
    settings = Settings.from_env({})
    assert settings.stage == "local"
    assert settings.search_backend == "sqlite"
    assert settings.max_body_bytes == 1024 * 1024


def test_an_invalid_value_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        Settings.from_env({"SEARCH_BACKEND": "elasticsearch"})


def test_a_missing_secret_fails_loudly_when_needed() -> None:
    settings = Settings.from_env({})
    with pytest.raises(ConfigError, match="jwt_secret"):
        settings.require("jwt_secret")


def test_secrets_are_redacted() -> None:
    settings = Settings.from_env({"JWT_SECRET": "very-secret", "STRIPE_API_KEY": "sk"})
    redacted = settings.redacted()
    assert redacted["jwt_secret"] == "***"
    assert redacted["stripe_api_key"] == "***"
    assert "very-secret" not in str(redacted)
