"""One exception hierarchy for every failure a client can cause or see.

Services raise these; ``chalicelib.api.problems`` turns them into RFC 9457
problem+json in one place. Nothing here knows about HTTP frameworks.

A problem that carries extension members says so in ``members`` (a pydantic model of
them) and the response headers it sets in ``response_headers``: ``/openapi.json`` states
both for every route that names the error (``route(..., errors=...)``). An area's own
problems subclass these next to the code that raises them (``SeatsUnavailable``...).
"""

from __future__ import annotations

from typing import Any, ClassVar

from chalicelib.core.schema import Schema


class FieldError(Schema):
    """One field's complaint: ``field`` is a dotted path into the request."""

    field: str
    message: str


class AppError(Exception):
    """Base class: ``status``, a stable ``slug`` (the problem type) and a human ``title``."""

    status = 500
    slug = "internal-error"
    title = "Internal Server Error"
    #: the extension members this problem adds to ``type``/``title``/``status``/``detail``
    members: ClassVar[type[Schema] | None] = None
    #: response headers this problem always sets: name -> what it says
    response_headers: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        detail: str | None = None,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra or {}
        self.headers = headers or {}


class BadRequest(AppError):
    status, slug, title = 400, "bad-request", "Bad Request"


class MalformedJson(BadRequest):
    slug, title = "malformed-json", "Malformed JSON"


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Unauthorized"
    response_headers = {"WWW-Authenticate": "The scheme to sign in with (Bearer)."}

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("WWW-Authenticate", 'Bearer realm="marquee"')


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Not Found"


class FieldErrors(Schema):
    errors: list[FieldError]


class UnknownReference(NotFound):
    """The request names (by id, in its body or query) something that does not exist."""

    slug, title = "unknown-reference", "Unknown Reference"
    members = FieldErrors

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", extra={"errors": [_field(field, message)]})


class MethodNotAllowed(AppError):
    status, slug, title = 405, "method-not-allowed", "Method Not Allowed"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Payload Too Large"


class UnsupportedMediaType(AppError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported Media Type"


class ValidationFailed(AppError):
    """422 with ``errors: [{field, message}]``."""

    status, slug, title = 422, "validation-failed", "Validation Failed"
    members = FieldErrors

    def __init__(self, errors: list[dict[str, str]], detail: str | None = None) -> None:
        super().__init__(detail or "The request is not valid.", extra={"errors": errors})
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([_field(field, message)], detail=f"{field}: {message}")


class TooManyRequests(AppError):
    status, slug, title = 429, "too-many-requests", "Too Many Requests"
    response_headers = {"Retry-After": "Seconds to wait before trying again."}

    def __init__(self, retry_after: int, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail or "Too many requests; try again later.", **kwargs)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class ServiceUnavailable(AppError):
    status, slug, title = 503, "service-unavailable", "Service Unavailable"


def _field(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}
