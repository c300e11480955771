"""Cross-cutting HTTP behaviour, registered once on the app:

- every error (ours, Chalice's, pydantic's, unexpected ones) leaves as problem+json,
  and a 500 never carries a stack trace;
- bodies over the configured limit are refused with 413 before any parsing;
- a correlation id per request is logged and returned in ``X-Correlation-Id``;
- CORS for the configured browser origins (``chalicelib.api.cors``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.api.cors import add_cors_headers
from chalicelib.api.problems import PROBLEM_JSON, problem, response_for
from chalicelib.core.config import get_settings
from chalicelib.core.errors import PayloadTooLarge
from chalicelib.core.observability import logger, metrics, subsegment

CORRELATION_HEADER = "X-Correlation-Id"


def install(app: Chalice) -> None:
    @app.middleware("http")
    def problem_details(event: Request, get_response: Callable[[Request], Response]) -> Response:
        correlation_id = _correlation_id(event)
        logger.set_correlation_id(correlation_id)
        try:
            if len(event.raw_body or b"") > get_settings().max_body_bytes:
                raise PayloadTooLarge("The request body is larger than 1 MB.")
            route_key = (event.context or {}).get("resourcePath", event.path)
            with subsegment(f"## {event.method} {route_key}") as segment:
                if segment is not None:
                    segment.put_annotation("correlation_id", correlation_id)
                response = get_response(event)
        except Exception as exc:
            response = response_for(exc)
        response = _as_problem(response)
        response.headers[CORRELATION_HEADER] = correlation_id
        add_cors_headers(event, response)
        _record(event, response)
        return response


def _correlation_id(event: Request) -> str:
    supplied = (event.headers.get("x-correlation-id") or "").strip()
    if supplied and len(supplied) <= 100 and supplied.isprintable():
        return supplied
    request_id = (event.context or {}).get("requestId")
    return str(request_id or uuid.uuid4())


def _as_problem(response: Response) -> Response:
    """Errors produced by Chalice itself (405, 415, its view errors) become problems too.

    A route's own JSON answer with an error status (the health report's 503) is kept.
    """
    if response.status_code < 400:
        return response
    content_type = str({k.lower(): v for k, v in response.headers.items()}.get("content-type", ""))
    if content_type.startswith(PROBLEM_JSON):
        return response
    body: Any = response.body
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            body = None
    chalice_error = isinstance(body, dict) and set(body) <= {"Code", "Message", "message"}
    if body is not None and not chalice_error:
        return response
    detail = (body or {}).get("Message") or (body or {}).get("message")
    if response.status_code >= 500:
        detail = "An unexpected error occurred."
    keep = {k: str(v) for k, v in response.headers.items() if k.lower() in {"allow", "retry-after"}}
    return problem(response.status_code, detail=detail, headers=keep)


def _record(event: Request, response: Response) -> None:
    logger.info(
        "request",
        extra={"method": event.method, "path": event.path, "status": response.status_code},
    )
    metrics.add_metric(name=f"Http{response.status_code // 100}xx", unit="Count", value=1)
    metrics.flush_metrics()
