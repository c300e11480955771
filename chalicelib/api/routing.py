"""The one way a route is declared: ``@route(bp, path, ...)``.

It parses and validates the body, the query and the headers with pydantic, authenticates
and checks the role, calls the view with typed arguments, and serialises what the view
returns. The declaration is also what ``/openapi.json`` is built from, so a route
documents itself: its response model, the problems it can answer (``errors=``, besides
the ones its declaration implies), the headers it reads and the links to what a client
can do next with what it answers.

A view receives its path parameters plus, when it declares them, ``body`` (the parsed
body model), ``query`` (the parsed query model), ``headers`` (the parsed header model),
``principal`` (the caller or ``None``) and ``request`` (the Chalice request). It returns
an instance of its ``response`` model, ``None`` (a route declared ``status=204``) or a
``Reply`` to set the status and headers.

The body is validated as JSON, strictly: a string is no number, ``"true"`` no boolean and
``0`` no date, exactly as the JSON Schema in ``/openapi.json`` says; a number with no
fractional part (``2.0``) is an integer, as in JSON Schema. Path parameters are ids
(``chalicelib.core.ids``): any other value is a 422 before the view or storage sees it.
Bodies nest at most ``MAX_JSON_DEPTH`` deep (400).
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
from pydantic import BaseModel, RootModel, TypeAdapter, ValidationError

from chalicelib.accounts.throttle import limit_request, source_ip
from chalicelib.accounts.tokens import Principal, decode_access_token
from chalicelib.api.problems import response_for
from chalicelib.core.errors import (
    AppError,
    BadRequest,
    Forbidden,
    MalformedJson,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.core.ids import ID_RULE, is_id
from chalicelib.core.roles import Role, has_role

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


@dataclass(frozen=True)
class Link:
    """What a client can do next with a success answer (an OpenAPI link): the target
    view's name and where its parameters (or body fields) come from, as runtime
    expressions such as ``$response.body#/order/order_id``."""

    operation: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None
    description: str = ""


@dataclass
class RouteSpec:
    path: str
    methods: list[str]
    name: str
    summary: str
    description: str
    tags: list[str]
    body: type[BaseModel] | None
    body_required: bool
    query: type[BaseModel] | None
    headers: type[BaseModel] | None
    response: Any
    status: int
    auth: Auth
    cache_seconds: int | None
    content_types: list[str]
    path_params: list[str]
    rate_limited: bool
    errors: tuple[type[AppError], ...]
    links: dict[str, Link]
    location: bool
    also: dict[int, str]
    media_type: str


#: view function registered with Chalice -> its declaration (read by the OpenAPI builder)
ROUTE_SPECS: dict[Callable[..., Any], RouteSpec] = {}


def route(
    bp: Blueprint | Chalice,
    path: str,
    *,
    methods: tuple[str, ...] = ("GET",),
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    query: type[BaseModel] | None = None,
    headers: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    auth: Auth = None,
    errors: tuple[type[AppError], ...] = (),
    links: dict[str, Link] | None = None,
    location: bool = False,
    also: dict[int, str] | None = None,
    media_type: str = JSON,
    summary: str | None = None,
    tags: tuple[str, ...] = (),
    cache_seconds: int | None = None,
    content_types: tuple[str, ...] = (JSON,),
    rate_limited: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route. ``auth``: ``None`` public, ``"optional"``, or the ``Role`` required.
    ``response``: the model every success answer is an instance of (``None`` only with
    ``status=204``). ``errors``: the problems the view itself may raise (the ones that come
    with a body, a query, path ids, auth and the rate limit are implied). ``location``: a
    201 answer says where the new resource is. ``also``: other statuses the same model is
    answered with (status -> what it means). ``media_type``: of the success answer, for a
    view that returns a ready Chalice ``Response`` (HTML). ``rate_limited=False`` only for callers
    that authenticate otherwise (a signed webhook)."""
    if (response is None) != (status == 204):
        raise TypeError(f"{path}: a route answers a response model, or 204 with none")

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
                    kwargs["body"] = parse_body(request, body, required=body_required)
                if query is not None:
                    kwargs["query"] = parse_query(request, query)
                if headers is not None:
                    kwargs["headers"] = parse_headers(request, headers)
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
            body_required=body_required,
            query=query,
            headers=headers,
            response=response,
            status=status,
            auth=auth,
            cache_seconds=cache_seconds,
            content_types=list(content_types),
            path_params=PATH_PARAM.findall(path),
            rate_limited=rate_limited,
            errors=errors,
            links=links or {},
            location=location,
            also=also or {},
            media_type=media_type,
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
    """The caller. A token that is sent must be valid, on every route (401 otherwise)."""
    token = bearer_token(request)
    if token is None:
        if isinstance(auth, Role):
            raise Unauthorized("Sign in to do this.")
        return None
    principal = decode_access_token(token)
    if isinstance(auth, Role) and not has_role(principal.roles, auth):
        raise Forbidden(f"This needs the {auth.value!r} role.")
    return principal


def validation_errors(
    exc: ValidationError, prefix: str = "", tag: object = None
) -> list[dict[str, str]]:
    """``{field, message}`` per error; ``tag``: the discriminator value of a body that is
    one of several kinds, which pydantic puts first in the location (it is no field)."""
    errors = []
    for error in exc.errors(include_url=False):
        parts = list(error["loc"])
        if tag is not None and parts and parts[0] == tag:
            parts = parts[1:]
        loc = ".".join(str(p) for p in parts)
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


def integral_numbers(value: Any) -> Any:
    """JSON Schema's view of numbers: ``2.0`` is the integer 2 (JSON has one number type)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: integral_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral_numbers(v) for v in value]
    return value


def parse_body(request: Request, model: type[M], *, required: bool = True) -> M:
    raw = request.raw_body or b""
    if not raw.strip():
        if required:
            raise ValidationFailed.single("body", "a JSON object is required")
        raw = b"{}"
    data = parse_json(raw)
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "must be a JSON object")
    try:
        # JSON mode, strict: types exactly as the JSON Schema states them
        return model.model_validate_json(json.dumps(integral_numbers(data)), strict=True)
    except ValidationError as exc:
        raise ValidationFailed(validation_errors(exc, tag=_kind_of(model, data))) from exc


def _kind_of(model: type[BaseModel], data: dict[str, Any]) -> object:
    """The kind a body says it is, when its model is a union chosen by a discriminator."""
    if not issubclass(model, RootModel):
        return None
    discriminator = model.model_fields["root"].discriminator
    return data.get(discriminator) if isinstance(discriminator, str) else None


def parse_query(request: Request, model: type[M]) -> M:
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise ValidationFailed(validation_errors(exc)) from exc


def parse_headers(request: Request, model: type[M]) -> M:
    """The headers a route reads, by their names (the model's field aliases)."""
    names = [info.alias or name for name, info in model.model_fields.items()]
    present = {name: request.headers.get(name.lower()) for name in names}
    try:
        return model.model_validate({k: v for k, v in present.items() if v is not None})
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
