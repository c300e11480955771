"""CORS, in one place: which browser origins may call the API and what they may see.

Two halves, both from ``cors_allowed_origins``: Chalice's static config (it answers
preflight ``OPTIONS`` requests, and can name one origin only: the first), and the
per-response headers the middleware adds, which echo the caller's origin when it is
allowed and drop Chalice's static one when it is not.
"""

from __future__ import annotations

from chalice import CORSConfig, Response
from chalice.app import Request

from chalicelib.core.config import get_settings

ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id")
EXPOSE_HEADERS = ("X-Correlation-Id", "Retry-After", "ETag", "Location")
MAX_AGE_SECONDS = 600


def chalice_config() -> CORSConfig:
    return CORSConfig(
        allow_origin=get_settings().cors_allowed_origins[0],
        allow_headers=list(ALLOW_HEADERS),
        expose_headers=list(EXPOSE_HEADERS),
        max_age=MAX_AGE_SECONDS,
    )


def add_cors_headers(event: Request, response: Response) -> None:
    origin = event.headers.get("origin")
    if origin and origin in get_settings().cors_allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSE_HEADERS)
        response.headers["Vary"] = "Origin"
    else:
        # Chalice's static config names one origin; never echo it to a stranger.
        response.headers.pop("Access-Control-Allow-Origin", None)
