"""Every error leaves as RFC 9457 problem+json, from one place."""

from typing import Any

import pytest
from chalice import Chalice, NotFoundError
from pydantic import BaseModel, Field

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.api import middleware
from chalicelib.api.routing import route
from chalicelib.core.errors import Conflict, TooManyRequests
from chalicelib.core.roles import Role
from tests.support.http import ApiClient

PROBLEM = "application/problem+json"


class Thing(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    count: int = Field(ge=0)


class ThingQuery(BaseModel):
    model_config = {"extra": "forbid"}
    color: str = "red"


def _errors_app() -> Chalice:
    app = Chalice(app_name="errors")
    middleware.install(app)

    @route(app, "/things", methods=("POST",), body=Thing, response=Thing, status=201)
    def create_thing(body: Thing) -> Thing:
        return body

    @route(app, "/things", query=ThingQuery, response=dict[str, str])
    def list_things(query: ThingQuery) -> dict[str, str]:
        return {"color": query.color}

    @route(app, "/conflict", methods=("POST",), status=204)
    def conflict() -> None:
        raise Conflict("Those seats are taken.")

    @route(app, "/busy", status=204)
    def busy() -> None:
        raise TooManyRequests(retry_after=42)

    @route(app, "/staff-only", auth=Role.STAFF, response=dict[str, bool])
    def staff_only() -> dict[str, bool]:
        return {"ok": True}

    @route(app, "/chalice-error", status=204)
    def chalice_error() -> None:
        raise NotFoundError("no such thing")

    @route(app, "/boom", status=204)
    def boom() -> None:
        raise RuntimeError("secret internals at /srv/app.py line 12")

    return app


@pytest.fixture(scope="module")
def client() -> ApiClient:
    return ApiClient(_errors_app())


def _assert_problem(result: Any, status: int) -> dict[str, Any]:
    assert result.status == status, result.text
    assert result.header("content-type") == PROBLEM
    body = result.json
    assert body["status"] == status
    assert body["type"].startswith("urn:marquee:problem:")
    assert body["title"] and body["detail"]
    return body


def test_valid_body_is_parsed_and_answered(client: ApiClient) -> None:
    result = client.post("/things", json={"name": "ab", "count": 1})
    assert result.status == 201
    assert result.json == {"name": "ab", "count": 1}


def test_validation_errors_are_422_with_each_field(client: ApiClient) -> None:
    body = _assert_problem(client.post("/things", json={"name": "toolong", "count": -1}), 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"name", "count"}
    assert all(e["message"] for e in body["errors"])


def test_a_body_that_is_not_an_object_is_422(client: ApiClient) -> None:
    body = _assert_problem(client.post("/things", json=[1, 2]), 422)
    assert body["errors"][0]["field"] == "body"


def test_malformed_json_is_400(client: ApiClient) -> None:
    result = client.post("/things", body='{"name": ', headers={"Content-Type": "application/json"})
    assert _assert_problem(result, 400)["type"].endswith("malformed-json")


def test_unknown_query_parameter_is_422(client: ApiClient) -> None:
    assert client.get("/things?color=blue").json == {"color": "blue"}
    body = _assert_problem(client.get("/things?colour=blue"), 422)
    assert body["errors"][0]["field"] == "colour"


def test_missing_token_is_401_and_wrong_role_is_403(client: ApiClient) -> None:
    result = client.get("/staff-only")
    _assert_problem(result, 401)
    assert result.header("www-authenticate")
    _assert_problem(client.get("/staff-only", headers={"Authorization": "Bearer nope"}), 401)
    user = issue_access_token("u1", ["user"])
    _assert_problem(client.as_user(user).get("/staff-only"), 403)
    staff = issue_access_token("u2", ["user", "staff"])
    assert client.as_user(staff).get("/staff-only").status == 200
    admin = issue_access_token("u3", ["user", "admin"])
    assert client.as_user(admin).get("/staff-only").status == 200


def test_unknown_route_is_404(client: ApiClient) -> None:
    _assert_problem(client.get("/no/such/route"), 404)


def test_wrong_method_is_405_with_allow(client: ApiClient) -> None:
    result = client.delete("/things")
    _assert_problem(result, 405)
    assert "POST" in (result.header("allow") or "")


def test_conflict_is_409(client: ApiClient) -> None:
    assert _assert_problem(client.post("/conflict"), 409)["detail"] == "Those seats are taken."


def test_body_over_one_megabyte_is_413(client: ApiClient) -> None:
    big = '{"name": "' + "x" * (1024 * 1024) + '"}'
    result = client.post("/things", body=big, headers={"Content-Type": "application/json"})
    _assert_problem(result, 413)


def test_unsupported_media_type_is_415(client: ApiClient) -> None:
    result = client.post("/things", body="name=a", headers={"Content-Type": "text/plain"})
    _assert_problem(result, 415)


def test_too_many_requests_is_429_with_retry_after(client: ApiClient) -> None:
    result = client.get("/busy")
    _assert_problem(result, 429)
    assert result.header("retry-after") == "42"


def test_chalice_errors_become_problems(client: ApiClient) -> None:
    assert _assert_problem(client.get("/chalice-error"), 404)["detail"] == "no such thing"


def test_unexpected_error_is_500_without_internals(client: ApiClient) -> None:
    result = client.get("/boom")
    body = _assert_problem(result, 500)
    assert "secret" not in result.text and "Traceback" not in result.text
    assert body["detail"] == "An unexpected error occurred."


def test_every_response_carries_a_correlation_id(client: ApiClient) -> None:
    assert client.get("/things").header("x-correlation-id")
    given = client.get("/things", headers={"X-Correlation-Id": "abc-123"})
    assert given.header("x-correlation-id") == "abc-123"
    assert client.get("/boom").header("x-correlation-id")


def test_the_real_app_answers_unknown_routes_and_bad_methods_with_problems(api: ApiClient) -> None:
    _assert_problem(api.get("/definitely-not-a-route"), 404)
    _assert_problem(api.post("/health"), 405)
