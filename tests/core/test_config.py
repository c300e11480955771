"""Settings come from the environment only, every one of them."""

from collections.abc import Callable
from typing import Any, get_args, get_origin

import pytest

from chalicelib.core.config import ConfigError, Settings, load_settings

SettingsFrom = Callable[[dict[str, str]], Settings]


@pytest.fixture
def settings_from(monkeypatch: pytest.MonkeyPatch) -> SettingsFrom:
    """Settings read from exactly ``env`` (the suite's own variables removed first)."""

    def read(env: dict[str, str]) -> Settings:
        for variable in Settings.env_names().values():
            monkeypatch.delenv(variable, raising=False)
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        return load_settings()

    return read


def test_settings_are_read_from_the_environment(settings_from: SettingsFrom) -> None:
    settings = settings_from(
        {
            "STAGE": "prod",
            "TABLE_PREFIX": "marquee-prod-",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9",
            "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "LOGIN_FAILURE_WINDOW_SECONDS": "60",
            "SHOWTIME_CLEANING_MINUTES": "20",
        }
    )
    assert settings.stage == "prod"
    assert settings.table_name("users") == "marquee-prod-users"
    assert settings.endpoint_for("dynamodb") == "http://127.0.0.1:9"
    assert settings.endpoint_for("s3") is None
    assert settings.cors_allowed_origins == ("https://a.example", "https://b.example")
    assert settings.login_failure_window_seconds == 60
    assert settings.showtime_cleaning_minutes == 20


def _other_value(annotation: Any, default: Any) -> str:
    """An environment value for a field of this type that differs from its default."""
    if get_origin(annotation) is not None and type(None) in get_args(annotation):
        (annotation,) = [a for a in get_args(annotation) if a is not type(None)]
    if annotation is bool:
        return "false" if default else "true"
    if annotation is int:
        return str(default + 1)
    if annotation is float:
        return str((default or 0) + 1.5)
    if get_args(annotation) and all(isinstance(a, str) for a in get_args(annotation)):
        return next(a for a in get_args(annotation) if a != default)  # a Literal
    if get_origin(annotation) is tuple:
        return "https://one.example,https://two.example"
    return f"{default or 'set'}-from-env"


def test_every_setting_is_reachable_from_the_environment(settings_from: SettingsFrom) -> None:
    defaults = Settings.model_construct()
    env = {
        Settings.env_names()[name]: _other_value(info.annotation, getattr(defaults, name))
        for name, info in Settings.model_fields.items()
    }
    settings = settings_from(env)
    unchanged = [
        name for name in Settings.model_fields if getattr(settings, name) == getattr(defaults, name)
    ]
    assert unchanged == []


def test_defaults_apply_when_the_environment_is_empty(settings_from: SettingsFrom) -> None:
    settings = settings_from({"HOLD_MINUTES": ""})  # empty means unset
    assert settings.stage == "local"
    assert settings.opensearch_url is None and settings.opensearch_refresh_writes is False
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.hold_minutes == 10


def test_an_invalid_value_is_a_config_error(settings_from: SettingsFrom) -> None:
    with pytest.raises(ConfigError):
        settings_from({"OPENSEARCH_REPLICAS": "many"})
    with pytest.raises(ConfigError):
        settings_from({"HOLD_MINUTES": "0"})


def test_a_missing_setting_fails_loudly_when_needed(settings_from: SettingsFrom) -> None:
    with pytest.raises(ConfigError, match="opensearch_url"):
        settings_from({}).require("opensearch_url")
