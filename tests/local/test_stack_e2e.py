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


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:3000"])
def test_a_preflight_from_any_configured_origin_names_that_origin(live: str, origin: str) -> None:
    """The stack has several browser origins (the web client, Vite's dev server); a stage
    on AWS has one, baked into its preflight answers."""
    answer = requests.options(
        f"{live}/orders",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert "Idempotency-Key" in answer.headers["Access-Control-Allow-Headers"]


def test_a_preflight_from_a_stranger_does_not_name_it(live: str) -> None:
    answer = requests.options(
        f"{live}/orders",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert answer.headers.get("Access-Control-Allow-Origin") != "https://evil.example"


def test_the_stripe_js_stand_in_is_served_with_the_card_confirm_completion(
    live_stack: LocalStack,
) -> None:
    """localstripe's Stripe.js stand-in, completed by ``local/stripe_server.py``."""
    base = live_stack.environment()["STRIPE_API_BASE"]
    script = requests.get(f"{base}/js.stripe.com/v3/", timeout=10)
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "confirmCardPayment" in script.text and "aria-label" in script.text


def test_a_browser_confirm_needs_the_intents_client_secret(live_stack: LocalStack) -> None:
    from chalicelib.core.stripe_api import stripe_client

    base = live_stack.environment()["STRIPE_API_BASE"]
    intent = stripe_client().v1.payment_intents.create(params={"amount": 900, "currency": "cny"})
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    body = {"key": "pk_test_x", "payment_method_data": {"type": "card", "card": card}}
    forged = requests.post(
        f"{base}/v1/payment_intents/{intent.id}/confirm",
        json={**body, "client_secret": f"{intent.id}_secret_wrong"},
        timeout=10,
    )
    assert forged.status_code == 401
    paid = requests.post(
        f"{base}/v1/payment_intents/{intent.id}/confirm",
        json={**body, "client_secret": intent.client_secret},
        timeout=10,
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "succeeded"
