"""The Chalice API (``app.py``) through ``chalice.cdk.Chalice``: ``chalice package`` turns
the project into a SAM template that is included here, and the resources it creates are
then tuned: our IAM role, the shared dependencies layer, a fixed function name (its log
group exists already), reserved concurrency, stage and per-route throttling, access logs,
tracing, and a Gateway Response so an unknown route is a 404 problem+json as it is on the
local gateway.

cdk-nag only inspects ``AWS::ApiGateway::*``/``AWS::Lambda::*`` resources, and Chalice
emits ``AWS::Serverless::*`` ones, so nothing it would check here is acknowledged: the
stage's logging, throttling, WAF (``components/edge.py``) and limits are asserted on the
template instead (``tests/infrastructure/test_api.py``, ``test_edge.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aws_cdk import Fn, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from chalice import api as chalice_api
from chalice.cdk import Chalice
from constructs import Construct

from infrastructure import bundles
from infrastructure.components.access import Access
from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: The Lambda and the API of ``chalice package`` output, by logical id.
HANDLER = "APIHandler"
REST_API = "RestAPI"
#: The SAM-generated stage, referable as ``<api>.Stage`` (its name, and a dependency).
STAGE_REF = f"{REST_API}.Stage"

#: Per-route limits (steady requests per second, burst) under the stage's, for routes that
#: cost more than a read — Argon2 hashing, e-mail, Stripe calls, upload grants — or are
#: what attackers aim at. Stage limits lower than these win.
ROUTE_THROTTLES: dict[tuple[str, str], tuple[int, int]] = {
    ("POST", "/auth/login"): (10, 20),
    ("POST", "/auth/register"): (5, 10),
    ("POST", "/auth/codes"): (2, 5),
    ("POST", "/auth/password-reset"): (2, 5),
    ("POST", "/auth/refresh"): (20, 40),
    ("POST", "/orders"): (20, 40),
    ("POST", "/orders/quote"): (20, 40),
    ("POST", "/uploads"): (5, 10),
    ("GET", "/search/movies"): (50, 100),
    ("GET", "/search/suggest"): (50, 100),
    # Stripe retries a throttled delivery; this only bounds a flood of forged ones.
    ("POST", "/payments/stripe/webhook"): (50, 100),
}


def method_settings(settings: StageSettings) -> list[dict[str, Any]]:
    """The stage's MethodSettings: defaults for every method, then the route limits.
    (A resource path in MethodSettings escapes ``/`` as ``~1``.)"""
    stage_wide = {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": settings.api_rate_limit,
        "ThrottlingBurstLimit": settings.api_burst_limit,
        "MetricsEnabled": True,  # per-method metrics: the POST /orders latency alarm
        "LoggingLevel": "ERROR",
        "DataTraceEnabled": False,
    }
    routes = [
        {
            **stage_wide,
            "ResourcePath": path.replace("/", "~1"),
            "HttpMethod": method,
            "ThrottlingRateLimit": min(rate, settings.api_rate_limit),
            "ThrottlingBurstLimit": min(burst, settings.api_burst_limit),
        }
        for (method, path), (rate, burst) in ROUTE_THROTTLES.items()
    ]
    return [stage_wide, *routes]


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


class StagedChalice(Chalice):
    """``chalice.cdk.Chalice`` packaging a named Chalice stage.

    The base class names the stage after the scope's construct path; ours is the
    deployment stage (``dev``/``prod`` in ``.chalice/config.json``) whatever the tree.
    """

    chalice_stage = "dev"

    def _package_app(self) -> None:
        chalice_api.package_app(
            project_dir=self.source_dir,
            output_dir=self._sam_package_dir,
            stage=self.chalice_stage,
            chalice_config=self.stage_config,
        )
        # Chalice zips sources only (and its own runtime, chalice/app.py, as source):
        # compiled here, or every cold start would compile them.
        bundles.compile_zip(Path(self._sam_package_dir) / "deployment.zip")


def package_chalice(
    scope: Construct,
    id: str,
    *,
    stage: str,
    source_dir: Path,
    build_dir: Path,
    config: dict[str, Any],
) -> Chalice:
    """Run ``chalice package`` for ``stage`` (offline: the staged project has no
    requirements.txt) with its scratch output (``chalice.out``) under ``build_dir``."""
    shutil.rmtree(build_dir / "chalice.out", ignore_errors=True)
    staged = type("StagedChalice", (StagedChalice,), {"chalice_stage": stage})
    with _working_directory(build_dir):
        return staged(scope, id, source_dir=str(source_dir), stage_config=config)


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        access: Access,
        dependencies: lambda_.ILayerVersion,
        project_dir: Path,
        build_dir: Path,
        environment: dict[str, str],
        not_found_body: dict[str, Any],
    ) -> None:
        super().__init__(scope, id)
        role = access.roles["api"]
        self.chalice = package_chalice(
            self,
            "Chalice",
            stage=settings.stage,
            source_dir=project_dir,
            build_dir=build_dir,
            config={
                "manage_iam_role": False,
                "iam_role_arn": role.role_arn,
                "environment_variables": environment,
                "layers": [dependencies.layer_version_arn],
                "xray": True,
            },
        )
        self.function_name = access.function_names["api"]
        handler = self.chalice.get_resource(HANDLER)
        handler.add_property_override("FunctionName", self.function_name)
        handler.add_property_override("Architectures", ["x86_64"])
        handler.add_property_override("ReservedConcurrentExecutions", settings.concurrency.api)

        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.THREE_MONTHS
            if settings.prod
            else logs.RetentionDays.TWO_WEEKS,
            removal_policy=RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY,
        )
        rest_api = self.chalice.get_resource(REST_API)
        # Named per stage so dev and prod metrics (ApiName, Stage) never mix in one account.
        self.api_name = f"marquee-{settings.stage}"
        rest_api.add_property_override("Name", self.api_name)
        rest_api.add_property_override("TracingEnabled", True)
        rest_api.add_property_override("MethodSettings", method_settings(settings))
        rest_api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": access_logs.log_group_arn,
                "Format": json.dumps(
                    {
                        "requestId": "$context.requestId",
                        "ip": "$context.identity.sourceIp",
                        "method": "$context.httpMethod",
                        "path": "$context.path",
                        "status": "$context.status",
                        "latencyMs": "$context.responseLatency",
                        "error": "$context.error.message",
                        "waf": "$context.wafResponseCode",
                    }
                ),
            },
        )
        rest_api.add_property_override(
            "GatewayResponses",
            {
                "MISSING_AUTHENTICATION_TOKEN": {
                    "StatusCode": 404,
                    "ResponseParameters": {
                        "Headers": {"Content-Type": "'application/problem+json'"}
                    },
                    "ResponseTemplates": {"application/json": json.dumps(not_found_body)},
                }
            },
        )
        self.rest_api_id = rest_api.ref
        self.stage_name = "api"  # api_gateway_stage in .chalice/config.json
        self.stage = Fn.ref(STAGE_REF)


class GatewayAccount(Construct):
    """The role API Gateway writes execution and access logs with (an account setting)."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        role = iam.Role(
            self,
            "LogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        # Every API in the account and region logs through it: never deleted with a stack.
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        acknowledge(
            role,
            "AwsSolutions-IAM4",
            "The AWS-managed policy made for API Gateway's logging role; it only creates "
            "and writes API Gateway log groups.",
            findings=[
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs"
            ],
        )
        apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
