"""Service routes: health, OpenAPI, docs, CORS."""

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core.config import reset_settings
from chalicelib.core.health import forget_checks, recent_checks
from chalicelib.core.stripe_api import reset_stripe_client
from local import services
from tests.support.http import ApiClient


def test_health_is_ok_when_every_dependency_answers(api: ApiClient) -> None:
    forget_checks()
    result = api.get("/health")
    assert result.status == 200, result.text
    body = result.json
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"dynamodb", "s3", "sqs", "stripe"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


@pytest.fixture
def own_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[services.Service]:
    """A second localstripe the test can stop, with the app pointed at it."""
    service = services.localstripe(services.free_port()).start()
    monkeypatch.setenv("STRIPE_API_BASE", service.url)
    reset_settings()
    reset_stripe_client()
    yield service
    service.stop()
    monkeypatch.undo()
    reset_settings()
    reset_stripe_client()


def test_health_is_503_when_a_dependency_is_stopped(
    api: ApiClient, own_stripe: services.Service, frozen_clock: Any
) -> None:
    forget_checks()
    assert api.get("/health").status == 200
    own_stripe.stop()
    assert api.get("/health").status == 200  # the last result, until it is 30 s old
    frozen_clock.advance(seconds=30)
    result = api.get("/health")
    assert result.status == 503
    body = result.json
    assert body["status"] == "degraded"
    assert body["checks"]["stripe"]["status"] == "down"
    assert body["checks"]["dynamodb"]["status"] == "ok"


def test_health_checks_run_at_most_once_per_cache_period(frozen_clock: Any) -> None:
    """/health is public: however often it is hit, the dependencies are called at most
    once per HEALTH_CACHE_SECONDS in an instance."""
    calls: list[int] = []
    checks = {"counted": lambda: calls.append(1)}
    forget_checks()
    for _ in range(5):
        assert recent_checks(checks)["counted"]["status"] == "ok"
    assert len(calls) == 1
    frozen_clock.advance(seconds=29)
    recent_checks(checks)
    assert len(calls) == 1
    frozen_clock.advance(seconds=1)
    recent_checks(checks)
    assert len(calls) == 2


def test_openapi_document_lists_every_route(api: ApiClient, app) -> None:
    result = api.get("/openapi.json")
    assert result.status == 200
    doc = result.json
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    registered = {(path, method) for path, ops in app.routes.items() for method in ops}
    assert documented == registered
    health = doc["paths"]["/health"]["get"]
    assert health["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Health"
    )
    assert "Health" in doc["components"]["schemas"]
    untagged = [
        (p, m) for p, ops in doc["paths"].items() for m, op in ops.items() if not op["tags"]
    ]
    assert untagged == []  # every operation is grouped under its area


def test_openapi_document_is_valid_openapi_3_1(api: ApiClient) -> None:
    from openapi_spec_validator import validate

    validate(api.get("/openapi.json").json)  # every $ref resolves, every schema is well formed


def test_docs_page_renders_the_document_without_a_cdn(api: ApiClient) -> None:
    result = api.get("/docs")
    assert result.status == 200
    assert result.header("content-type").startswith("text/html")
    assert "openapi.json" in result.text
    assert "https://" not in result.text and "http://" not in result.text


def test_cors_allows_configured_origins_only(api: ApiClient) -> None:
    allowed = api.get("/health", headers={"Origin": "http://localhost:3000"})
    assert allowed.header("access-control-allow-origin") == "http://localhost:3000"
    assert "X-Correlation-Id" in (allowed.header("access-control-expose-headers") or "")
    stranger = api.get("/health", headers={"Origin": "https://evil.example"})
    assert stranger.header("access-control-allow-origin") is None
    preflight = api.request(
        "OPTIONS",
        "/health",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status == 200
    assert "Authorization" in (preflight.header("access-control-allow-headers") or "")
