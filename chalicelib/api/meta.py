"""Service routes: health, the OpenAPI document and the page that renders it."""

from __future__ import annotations

from importlib import resources
from typing import Literal, Union

from chalice import Blueprint, Response
from pydantic import Field
from typing_extensions import TypeAliasType

from chalicelib.api.routing import Reply, route
from chalicelib.core.health import recent_checks
from chalicelib.core.schema import Schema

bp = Blueprint(__name__)
TAGS = ("meta",)

#: any JSON value, stated as such (the schemas inside the OpenAPI document are free JSON)
Json = TypeAliasType(
    "Json",
    "Union[str, int, float, bool, list[Json], dict[str, Json], None]",  # noqa: UP007
)


class CheckOut(Schema):
    status: Literal["ok", "down"]
    ms: float | None = Field(default=None, description="How long the check took.")
    error: str | None = Field(default=None, description="What failed (the error's kind).")


class Health(Schema):
    status: Literal["ok", "degraded"]
    checks: dict[str, CheckOut] = Field(description="dynamodb, s3, sqs, stripe.")


class ApiInfo(Schema):
    title: str
    version: str


class OpenApiDocument(Schema):
    """An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)."""

    openapi: str
    info: ApiInfo
    paths: dict[str, dict[str, Json]]
    components: dict[str, dict[str, Json]]


@route(
    bp, "/health", response=Health, also={503: "A dependency is down (the same report)."}, tags=TAGS
)
def health() -> Reply:
    """Reachability of DynamoDB, S3, SQS and Stripe; 503 when one is down. Checked at
    most every ``HEALTH_CACHE_SECONDS`` per instance (30 by default), so hits cost no calls."""
    checks = {name: CheckOut.model_validate(result) for name, result in recent_checks().items()}
    healthy = all(c.status == "ok" for c in checks.values())
    return Reply(
        Health(status="ok" if healthy else "degraded", checks=checks),
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


@route(bp, "/openapi.json", response=OpenApiDocument, tags=TAGS)
def openapi_document() -> Reply:
    """The OpenAPI 3.1 document of every route."""
    # Imported here: the builder (and the JSON Schema of every model) is only needed by
    # the few invocations that ask for the document, never by a cold start.
    from chalicelib.api.openapi import build

    return Reply(build(bp.current_app))


@route(bp, "/docs", response=str, media_type="text/html", tags=TAGS)
def docs_page() -> Response:
    """An HTML page rendering the OpenAPI document (no CDN: everything is served here)."""
    html = resources.files("chalicelib.api.assets").joinpath("docs.html").read_text("utf-8")
    return Response(
        body=html, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"}
    )
