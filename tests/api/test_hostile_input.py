"""Hostile input never reaches storage as a 500: every route in ``/openapi.json`` is swept
with over-long and odd path ids and with deeply nested bodies, anonymous and as an admin."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.api.routing import MAX_JSON_DEPTH, json_depth, parse_json
from chalicelib.core.errors import AppError
from tests.support.http import ApiClient

#: DynamoDB refuses keys over 2048 bytes (that was a 500 on 28 routes)
LONG_ID = "x" * 2100
ODD_IDS = [LONG_ID, "a" * 65, "semi;colon"]
DEEP_LIST = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
BARELY_TOO_DEEP = '{"showtime_id":' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"


def operations(api: ApiClient) -> list[tuple[str, str, dict[str, Any]]]:
    document = api.get("/openapi.json").json
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method.upper() not in {"OPTIONS", "HEAD"}
    ]


def fill(path: str, value: str) -> str:
    return re.sub(r"{\w+}", value, path)


@pytest.fixture(scope="module")
def admin_token() -> str:
    return issue_access_token("sweep-admin", ["user", "staff", "moderator", "admin"])


def assert_client_error(result: Any, what: str) -> None:
    assert 400 <= result.status < 500, (what, result.status, result.text[:300])
    assert result.header("Content-Type").startswith("application/problem+json"), what


def assert_no_server_error(result: Any, what: str) -> None:
    """Routes without a body ignore one; whatever they answer, it is never a 5xx."""
    assert result.status < 500, (what, result.status, result.text[:300])
    if result.status >= 400:
        assert result.header("Content-Type").startswith("application/problem+json"), what


def test_every_path_id_route_refuses_odd_ids_with_a_4xx_problem(
    api: ApiClient, admin_token: str
) -> None:
    swept = 0
    for method, path, _ in operations(api):
        if "{" not in path:
            continue
        for token in (None, admin_token):
            for odd in ODD_IDS:
                result = api.as_user(token).request(method, fill(path, odd), json={})
                assert_client_error(result, f"{method} {path} with {odd[:12]}")
        swept += 1
    assert swept >= 28  # every route with an id in its path (the finding named 28)


def test_an_odd_path_id_is_a_422_naming_the_parameter(api: ApiClient) -> None:
    refused = api.get(f"/movies/{LONG_ID}")
    assert refused.status == 422
    assert refused.json["errors"] == [
        {"field": "movie_id", "message": "must be 1-64 letters, digits, '-' or '_'"}
    ]


def test_the_openapi_document_states_the_id_constraint(api: ApiClient) -> None:
    for _, path, operation in operations(api):
        for parameter in operation["parameters"]:
            if parameter["in"] == "path":
                assert parameter["schema"]["maxLength"] == 64, path
                assert parameter["schema"]["pattern"] == "^[A-Za-z0-9_-]{1,64}$", path


def test_no_route_answers_a_deeply_nested_body_with_a_5xx(api: ApiClient, admin_token: str) -> None:
    for method, path, operation in operations(api):
        if method == "GET":
            continue
        for token, body in (
            (None, DEEP_OBJECT),
            (admin_token, DEEP_LIST),
            (admin_token, BARELY_TOO_DEEP),
        ):
            result = api.as_user(token).request(
                method, fill(path, "abc"), body=body, headers={"Content-Type": "application/json"}
            )
            what = f"{method} {path}"
            if "requestBody" in operation:
                assert_client_error(result, what)
            else:
                assert_no_server_error(result, what)


def test_a_deep_body_on_a_body_route_is_a_400(api: ApiClient) -> None:
    for body in (DEEP_LIST, DEEP_OBJECT, BARELY_TOO_DEEP):
        result = api.post("/auth/login", body=body, headers={"Content-Type": "application/json"})
        assert result.status == 400 and "nested" in result.json["detail"]


def test_json_nesting_up_to_the_limit_is_accepted() -> None:
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json_depth(parse_json(at_limit)) == MAX_JSON_DEPTH
    assert parse_json(b'{"a": [1, {"b": "[[[["}]}') == {"a": [1, {"b": "[[[["}]}
    with pytest.raises(AppError):
        parse_json("[" + at_limit + "]")
    assert json_depth(json.loads('{"a": {"b": []}}')) == 3
    assert json_depth("scalar") == 0
