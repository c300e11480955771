"""End to end over real HTTP: the local stack as ``make dev`` runs it."""

import pytest
import requests

from local.stack import LocalStack

pytestmark = pytest.mark.e2e


@pytest.fixture
def live(live_stack: LocalStack) -> str:
    return live_stack.api_url


def test_health_over_http_is_green(live: str) -> None:
    response = requests.get(f"{live}/health", timeout=10)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["X-Correlation-Id"]


def test_openapi_and_docs_are_served(live: str) -> None:
    doc = requests.get(f"{live}/openapi.json", timeout=10)
    assert doc.status_code == 200 and "/health" in doc.json()["paths"]
    page = requests.get(f"{live}/docs", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]


def test_unknown_route_over_http_is_a_404_problem(live: str) -> None:
    response = requests.get(f"{live}/nope", timeout=10)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_an_unsupported_method_over_http_is_a_405_problem(live: str) -> None:
    for method in ("TRACE", "QUERY"):
        response = requests.request(method, f"{live}/health", timeout=10)
        assert response.status_code == 405
        assert response.headers["Content-Type"] == "application/problem+json"
