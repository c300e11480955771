"""Builds the CDK app of one stage; ``app.py`` (the CDK CLI's entry) calls ``main``.

The environment of the target stage is set *before* ``chalicelib`` is imported, because
pynamodb binds table names when the model classes are defined and ``chalice package``
imports ``app.py`` (its CORS origin comes from the settings).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from infrastructure.stages import StageSettings, stage_settings

#: The stack holding API Gateway's account settings (one per account and region).
GATEWAY_ACCOUNT_STACK = "marquee-apigateway-account"
#: Local-stack settings that must not leak into a deployment's packaging.
_LOCAL_ONLY = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_SQS",
    "AWS_ENDPOINT_URL_SES",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "STRIPE_API_BASE",
    "JWT_KEYS_SECRET_ID",
    "TICKET_KEYS_SECRET_ID",
    "CURSOR_KEYS_SECRET_ID",
    "STRIPE_SECRET_ID",
    "OUTBOX_DIR",
)


def prepare_environment(settings: StageSettings, environ: Any = os.environ) -> None:
    for name in _LOCAL_ONLY:
        environ.pop(name, None)
    environ.update(
        {
            "STAGE": settings.stage,
            "TABLE_PREFIX": settings.prefix,
            "AWS_REGION": settings.region,
            "AWS_DEFAULT_REGION": settings.region,
            "CORS_ALLOWED_ORIGINS": settings.frontend_origin,
        }
    )


def build(app: Any, settings: StageSettings) -> Any:
    """Add the stage's stack, the account's API Gateway settings stack it depends on, and
    the cdk-nag AwsSolutions checks to ``app``."""
    from aws_cdk import Annotations, Environment, Validations
    from cdk_nag import AwsSolutionsChecks

    from infrastructure import bundles, nag
    from infrastructure.stack import GatewayAccountStack, MarqueeStack, Sources
    from infrastructure.stages import is_reserved_address
    from infrastructure.tables import all_table_specs
    from local.server import NOT_FOUND_BODY

    build_dir = Path(app.outdir).resolve() / ".marquee-build" / settings.stage
    build_dir.mkdir(parents=True, exist_ok=True)
    sources = Sources(
        chalice_project=bundles.stage_chalice_project(build_dir),
        functions=bundles.stage_functions(build_dir),
        dependencies=bundles.stage_dependencies(build_dir),
        build_dir=build_dir,
        not_found_body=dict(NOT_FOUND_BODY),
        web_dist=Path(__file__).resolve().parents[1] / "web" / "dist",
    )
    environment = Environment(account=settings.account, region=settings.region)
    gateway = GatewayAccountStack(
        app,
        GATEWAY_ACCOUNT_STACK,
        env=environment,
        description="API Gateway account settings shared by every Marquee stage here",
    )
    stack = MarqueeStack(
        app,
        settings.stack_name,
        settings=settings,
        tables=all_table_specs(),
        sources=sources,
        env=environment,
        description=f"Marquee cinema ticketing backend ({settings.stage})",
    )
    stack.add_stack_dependency(gateway)
    if not bundles.python_runtime_matches():
        Annotations.of(stack).add_warning_v2(
            "marquee:layer-platform",
            "The dependency layer is copied from this machine's .venv, which is not Python "
            "3.11 on Linux x86_64: fine for synth, but do not deploy it.",
        )
    if is_reserved_address(settings.email_sender):
        Annotations.of(stack).add_warning_v2(
            "marquee:email-sender",
            f"{settings.email_sender} can never be verified by SES: nothing will be mailed "
            "from this stage until -c emailSender names an address you receive mail at.",
        )
    # Acknowledgments are checked against the findings (none may be dead), then applied;
    # with their reasons they are also written into the template metadata.
    nag.settle(app, AwsSolutionsChecks(app))
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True)
    )
    return stack


def main() -> None:
    # The CDK still runs on an end-of-life Node; say so once in the README, not per synth.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
    from aws_cdk import App

    app = App()
    settings = stage_settings(app.node.try_get_context)
    prepare_environment(settings)
    build(app, settings)
    app.synth()
