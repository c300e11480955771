"""The one way a route is declared: ``@route(bp, path, ...)``.

It parses and validates the body and query with pydantic, authenticates and checks the
role, calls the view with typed arguments, and serialises what the view returns. The
declaration is also what ``/openapi.json`` is built from, so a route documents itself.

A view receives its path parameters plus, when it declares them, ``body`` (the parsed
body model), ``query`` (the parsed query model), ``principal`` (the caller or ``None``)
and ``request`` (the Chalice request). It returns a pydantic model, a dict/list, ``None``
(204) or a ``Reply`` to set the status and headers.

Path parameters are ids (``chalicelib.core.ids``): any other value is a 422 before the view
or storage sees it, and the OpenAPI document states the pattern. Bodies nest at most
``MAX_JSON_DEPTH`` deep (400).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from chalice import Blueprint, Chalice, Response
from chalice.app import Request
from pydantic import BaseModel, TypeAdapter, ValidationError

from chalicelib.accounts.roles import Role, has_role
from chalicelib.accounts.throttle import limit_request, source_ip
from chalicelib.accounts.tokens import Principal, decode_access_token
from chalicelib.api.problems import response_for
from chalicelib.core.errors import (
    BadRequest,
    Forbidden,
    MalformedJson,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.core.ids import ID_RULE, is_id

Auth = Role | Literal["optional"] | None
M = TypeVar("M", bound=BaseModel)

JSON = "application/json"
#: deepest nesting a request body may have; real bodies need 3 or 4 levels
MAX_JSON_DEPTH = 32
PATH_PARAM = re.compile(r"{(\w+)}")


@dataclass
class Reply:
    """A view's answer when the status or headers are not the route's defaults."""

    body: Any = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RouteSpec:
    path: str
    methods: list[str]
    name: str
    summary: str
    description: str
    tags: list[str]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    auth: Auth
    cache_seconds: int | None
    content_types: list[str]
    path_params: list[str]
    rate_limited: bool


#: view function registered with Chalice -> its declaration (read by the OpenAPI builder)
ROUTE_SPECS: dict[Callable[..., Any], RouteSpec] = {}


def route(
    bp: Blueprint | Chalice,
    path: str,
    *,
    methods: tuple[str, ...] = ("GET",),
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    auth: Auth = None,
    summary: str | None = None,
    tags: tuple[str, ...] = (),
    cache_seconds: int | None = None,
    content_types: tuple[str, ...] = (JSON,),
    rate_limited: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route. ``auth``: ``None`` public, ``"optional"``, or the ``Role`` required.
    ``rate_limited=False`` only for callers that authenticate otherwise (a signed webhook)."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        wanted = set(inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def view(**path_params: str) -> Response:
            request = bp.current_request
            assert request is not None
            try:
                principal = authenticate(request, auth)
                if rate_limited:
                    limit_request(principal, source_ip(request.context))
                check_path_ids(path_params)
                kwargs: dict[str, Any] = dict(path_params)
                if body is not None:
                    kwargs["body"] = parse_body(request, body)
                if query is not None:
                    kwargs["query"] = parse_query(request, query)
                if "principal" in wanted:
                    kwargs["principal"] = principal
                if "request" in wanted:
                    kwargs["request"] = request
                result = fn(**kwargs)
                return to_response(result, status, request, cache_seconds)
            except Exception as exc:  # Chalice would answer its own 500 otherwise
                return response_for(exc)

        doc = inspect.getdoc(fn) or ""
        ROUTE_SPECS[view] = RouteSpec(
            path=path,
            methods=list(methods),
            name=fn.__name__,
            summary=summary or (doc.splitlines()[0] if doc else fn.__name__.replace("_", " ")),
            description=doc,
            tags=list(tags) or _area_tags(bp),
            body=body,
            query=query,
            response=response,
            status=status,
            auth=auth,
            cache_seconds=cache_seconds,
            content_types=list(content_types),
            path_params=PATH_PARAM.findall(path),
            rate_limited=rate_limited,
        )
        bp.route(path, methods=list(methods), content_types=list(content_types))(view)
        return view

    return decorator


def _area_tags(bp: Blueprint | Chalice) -> list[str]:
    """Untagged routes are grouped by their API module (``chalicelib.api.catalog`` -> catalog)."""
    module = getattr(bp, "_import_name", "")
    return [module.rsplit(".", 1)[-1]] if module else []


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Use 'Authorization: Bearer <access token>'.")
    return token.strip()


def authenticate(request: Request, auth: Auth) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        if isinstance(auth, Role):
            raise Unauthorized("Sign in to do this.")
        return None
    principal = decode_access_token(token)
    if isinstance(auth, Role) and not has_role(principal.roles, auth):
        raise Forbidden(f"This needs the {auth.value!r} role.")
    return principal


def validation_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    errors = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"])
        name = f"{prefix}.{loc}" if prefix and loc else (prefix or loc or "body")
        errors.append({"field": name, "message": error["msg"]})
    return errors


def check_path_ids(path_params: dict[str, str]) -> None:
    """Every path parameter is an id; anything else names nothing (422, storage untouched)."""
    errors = [
        {"field": name, "message": ID_RULE}
        for name, value in path_params.items()
        if not isinstance(value, str) or not is_id(value)
    ]
    if errors:
        raise ValidationFailed(errors, detail="A path parameter is not an id.")


def parse_json(raw: bytes | str) -> Any:
    """A JSON document nested at most ``MAX_JSON_DEPTH`` deep; 400 otherwise. json's C
    parser stops runaway nesting with ``RecursionError``; the walk bounds the rest."""
    try:
        data = json.loads(raw)
    except RecursionError as exc:
        raise BadRequest(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJson("The request body is not valid JSON.") from exc
    text = raw if isinstance(raw, bytes) else raw.encode()
    # cheap screen first: fewer brackets than the limit cannot nest past it
    if text.count(b"[") + text.count(b"{") > MAX_JSON_DEPTH and json_depth(data) > MAX_JSON_DEPTH:
        raise BadRequest(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
    return data


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed document (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def parse_body(request: Request, model: type[M]) -> M:
    raw = request.raw_body or b""
    data = parse_json(raw) if raw.strip() else {}
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(validation_errors(exc)) from exc


def parse_query(request: Request, model: type[M]) -> M:
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise ValidationFailed(validation_errors(exc)) from exc


#: One serializer for every response, built once: pydantic-core writes models, dates and
#: plain data straight to JSON bytes (no per-value schema work, no second walk).
_JSON_BODY: TypeAdapter[Any] = TypeAdapter(Any)


def to_json(value: Any) -> str:
    """A view's result (models, lists of models, plain data) as compact UTF-8 JSON."""
    return _JSON_BODY.dump_json(value).decode()


def to_response(
    result: Any, status: int, request: Request, cache_seconds: int | None = None
) -> Response:
    if isinstance(result, Response):
        return result
    headers: dict[str, str | list[str]] = {}
    if isinstance(result, Reply):
        headers.update(result.headers)
        status = result.status or status
        result = result.body
    if result is None:
        return Response(body="", status_code=204 if status == 200 else status, headers=headers)
    payload = to_json(result)
    headers.setdefault("Content-Type", JSON)
    if cache_seconds is not None and status == 200:
        etag = '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'
        headers["ETag"] = etag
        headers["Cache-Control"] = f"public, max-age={cache_seconds}"
        if etag in (request.headers.get("if-none-match") or "").replace("W/", "").split(", "):
            return Response(body="", status_code=304, headers=headers)
    return Response(body=payload, status_code=status, headers=headers)
