"""Service routes: health, the OpenAPI document and the page that renders it."""

from __future__ import annotations

from importlib import resources
from typing import Any, Literal

from chalice import Blueprint, Response

from chalicelib.api.routing import Reply, route
from chalicelib.core.health import recent_checks
from chalicelib.core.schema import Schema

bp = Blueprint(__name__)


class Health(Schema):
    status: Literal["ok", "degraded"]
    checks: dict[str, dict[str, Any]]


@route(bp, "/health", response=Health, tags=("meta",))
def health() -> Reply:
    """Reachability of DynamoDB, S3, SQS and Stripe; 503 when one is down. Checked at
    most every ``HEALTH_CACHE_SECONDS`` per instance (30 by default), so hits cost no calls."""
    checks = recent_checks()
    healthy = all(c["status"] == "ok" for c in checks.values())
    return Reply(
        Health(status="ok" if healthy else "degraded", checks=checks),
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


@route(bp, "/openapi.json", tags=("meta",))
def openapi_document() -> Any:
    """The OpenAPI 3.1 document of every route."""
    from chalicelib.api.openapi import build

    return build(bp.current_app)


@route(bp, "/docs", tags=("meta",))
def docs_page() -> Response:
    """An HTML page rendering the OpenAPI document (no CDN: everything is served here)."""
    html = resources.files("chalicelib.api.assets").joinpath("docs.html").read_text("utf-8")
    return Response(
        body=html, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"}
    )
