"""The Chalice API as packaged by ``chalice.cdk.Chalice`` and tuned by the stack."""

from __future__ import annotations

import json
from typing import Any

from infrastructure.components.api import ROUTE_THROTTLES
from local.server import NOT_FOUND_BODY
from tests.infrastructure.helpers import functions, properties, ref_id, resources

ROOT_CONFIG = json.loads(
    (__import__("pathlib").Path(__file__).resolve().parents[2] / ".chalice/config.json").read_text()
)


def rest_api(template: dict[str, Any]) -> dict[str, Any]:
    (api,) = resources(template, "AWS::Serverless::Api").values()
    return api["Properties"]


def test_the_api_is_the_chalice_app_with_its_stage_config(synth: Any, template: Any) -> None:
    api_fn = functions(template)[f"marquee-{synth.stage}-api"]
    stage = ROOT_CONFIG["stages"][synth.stage]
    assert api_fn["Handler"] == "app.app"
    assert api_fn["MemorySize"] == stage["lambda_memory_size"]
    assert api_fn["Timeout"] == stage["lambda_timeout"]
    assert rest_api(template)["StageName"] == stage["api_gateway_stage"]
    assert rest_api(template)["Name"] == f"marquee-{synth.stage}"
    paths = rest_api(template)["DefinitionBody"]["paths"]
    assert "/health" in paths


def test_the_api_runs_with_the_stacks_role_not_a_generated_one(synth: Any, template: Any) -> None:
    api_fn = functions(template)[f"marquee-{synth.stage}-api"]
    role = ref_id(api_fn["Role"])
    assert role is not None and role.startswith("AccessApiRole")
    assert properties(template, role)["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }


def test_unknown_routes_are_404_problem_json_like_the_local_gateway(template: Any) -> None:
    response = rest_api(template)["GatewayResponses"]["MISSING_AUTHENTICATION_TOKEN"]
    assert response["StatusCode"] == 404
    assert response["ResponseParameters"]["Headers"]["Content-Type"] == (
        "'application/problem+json'"
    )
    assert json.loads(response["ResponseTemplates"]["application/json"]) == NOT_FOUND_BODY


def test_the_stage_is_throttled_traced_and_access_logged(synth: Any, template: Any) -> None:
    """cdk-nag cannot see a SAM API (APIG1/APIG3/APIG6 would): asserted here instead."""
    api = rest_api(template)
    stage_wide, *routes = api["MethodSettings"]
    assert (stage_wide["ResourcePath"], stage_wide["HttpMethod"]) == ("/*", "*")
    limits = {"dev": (20, 40), "prod": (200, 400)}[synth.stage]
    assert (stage_wide["ThrottlingRateLimit"], stage_wide["ThrottlingBurstLimit"]) == limits
    assert stage_wide["MetricsEnabled"] is True and stage_wide["LoggingLevel"] == "ERROR"
    assert stage_wide["DataTraceEnabled"] is False  # bodies (passwords) never logged
    assert api["TracingEnabled"] is True
    access_log = api["AccessLogSetting"]
    assert ref_id(access_log["DestinationArn"]) in resources(template, "AWS::Logs::LogGroup")
    fields = json.loads(access_log["Format"])
    assert {"requestId", "ip", "method", "path", "status", "waf"} <= set(fields)
    assert len(routes) == len(ROUTE_THROTTLES)


def test_costly_routes_have_their_own_lower_throttles(synth: Any, template: Any) -> None:
    api = rest_api(template)
    paths = api["DefinitionBody"]["paths"]
    stage_wide, *routes = api["MethodSettings"]
    by_route = {(r["HttpMethod"], r["ResourcePath"].replace("~1", "/")): r for r in routes}
    assert set(by_route) == set(ROUTE_THROTTLES)
    for (method, path), (rate, burst) in ROUTE_THROTTLES.items():
        assert method.lower() in paths[path], f"{method} {path} is not a route of the API"
        route = by_route[(method, path)]
        assert route["ThrottlingRateLimit"] == min(rate, stage_wide["ThrottlingRateLimit"])
        assert route["ThrottlingBurstLimit"] == min(burst, stage_wide["ThrottlingBurstLimit"])
        assert route["ThrottlingRateLimit"] <= stage_wide["ThrottlingRateLimit"]
    assert ("POST", "/auth/login") in by_route and ("POST", "/orders") in by_route


def test_the_api_function_has_reserved_concurrency_and_no_dead_acknowledgments(
    synth: Any, template: Any
) -> None:
    api_fn = functions(template)[f"marquee-{synth.stage}-api"]
    assert api_fn["ReservedConcurrentExecutions"] > 0
    for type_ in ("AWS::Serverless::Function", "AWS::Serverless::Api"):
        for resource in resources(template, type_).values():
            # cdk-nag never inspects SAM resources: an acknowledgment there hides nothing.
            assert "cdk_nag" not in resource.get("Metadata", {})


def test_cors_preflight_allows_the_stage_frontend_origin(synth: Any, template: Any) -> None:
    origin = "https://marquee.example.com" if synth.stage == "prod" else "http://localhost:3000"
    options = rest_api(template)["DefinitionBody"]["paths"]["/health"]["options"]
    headers = options["x-amazon-apigateway-integration"]["responses"]["default"][
        "responseParameters"
    ]
    assert headers["method.response.header.Access-Control-Allow-Origin"] == f"'{origin}'"
