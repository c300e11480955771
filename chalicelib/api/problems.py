"""RFC 9457 problem+json: the only place errors become HTTP responses."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from chalice import ChaliceViewError, Response

from chalicelib.core.errors import AppError
from chalicelib.core.observability import logger

PROBLEM_JSON = "application/problem+json"


def problem_type(slug: str) -> str:
    return f"urn:marquee:problem:{slug}"


def problem(
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    phrase = _phrase(status)
    body: dict[str, Any] = {
        "type": problem_type(slug or phrase.lower().replace(" ", "-")),
        "title": title or phrase,
        "status": status,
        "detail": detail or title or phrase,
    }
    # extension members add to the standard ones, never replace them
    body.update({k: v for k, v in (extra or {}).items() if k not in body})
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={**(headers or {}), "Content-Type": PROBLEM_JSON},
    )


def from_error(error: AppError) -> Response:
    return problem(
        error.status,
        slug=error.slug,
        title=error.title,
        detail=error.detail,
        extra=error.extra,
        headers=error.headers,
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def response_for(exc: Exception) -> Response:
    """The answer to any exception: its problem, or a bare 500 that leaks nothing."""
    if isinstance(exc, AppError):
        return from_error(exc)
    if isinstance(exc, ChaliceViewError) and exc.STATUS_CODE < 500:
        return problem(exc.STATUS_CODE, detail=str(exc))
    logger.exception("unhandled error")
    return problem(500, detail="An unexpected error occurred.")
