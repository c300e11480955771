"""OpenAPI 3.1 document built from the app's route table and the ``@route`` declarations.

A route added anywhere appears here without further work, with everything its
declaration implies:

- its success response (the response model, ``Location`` on a created resource, ``ETag``
  and ``Cache-Control`` plus a 304 on a cached read) and the links to what comes next;
- every problem it can answer, status by status: the ones its declaration implies (422 for
  a body, a query, headers or path ids; 400, 413 and 415 for a body; 400 for a list's
  cursor; 401 for a token that does not verify; 403 for a role; 404 for a path id; 429
  when rate limited; 503 when a dependency is down) and the ones it names in ``errors=``,
  each with its extension members (``unavailable_seats``, ``errors``...) and headers;
- ``X-Correlation-Id`` on every response; the headers it reads as header parameters.

Models are stated as pydantic writes them (``$defs`` hoisted into the components).
"""

from __future__ import annotations

import re
from typing import Any

from chalice import Chalice
from pydantic import BaseModel, TypeAdapter

from chalicelib.api.problems import problem_type
from chalicelib.api.routing import PATH_PARAM, ROUTE_SPECS, Link, RouteSpec
from chalicelib.core.errors import (
    AppError,
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.core.ids import id_schema
from chalicelib.core.roles import Role

REF = "#/components/schemas/{model}"
PROBLEM_JSON = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; ``type`` names the problem, ``detail`` says "
    "what went wrong this time.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}

#: headers every response carries (``chalicelib.api.middleware``) or a route sets
HEADERS: dict[str, dict[str, Any]] = {
    "X-Correlation-Id": {
        "description": "This request's id in the logs and traces (the caller's, if it sent one).",
        "required": True,
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "Where the created resource is read.",
        "required": True,
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "The answer's version; send it back in If-None-Match.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "How long shared caches may keep the answer.",
        "required": True,
        "schema": {"type": "string"},
    },
}

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    304: "Not Modified: the If-None-Match version is current",
    400: "Bad Request",
    401: "Unauthorized: no valid access token (a token that is sent must verify)",
    403: "Forbidden: the caller's role does not allow this",
    404: "Not Found",
    409: "Conflict with the current state",
    413: "Payload Too Large: the body is over 1 MB",
    415: "Unsupported Media Type: send application/json",
    422: "Validation Failed: see errors",
    429: "Too Many Requests: see Retry-After",
    503: "Service Unavailable: a dependency is down or too busy; try again",
}


def build(app: Chalice, title: str = "Marquee API", version: str = "1.0.0") -> dict[str, Any]:
    schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    operations = {spec.name: spec for spec in ROUTE_SPECS.values() if spec.path in app.routes}
    paths: dict[str, Any] = {}
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            spec = ROUTE_SPECS.get(entry.view_function)
            if spec is None:
                raise ValueError(f"{method} {path} is not declared with @route")
            paths.setdefault(path, {})[method.lower()] = _operation(spec, schemas, operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "headers": HEADERS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def component_name(model: type[BaseModel]) -> str:
    """A component key OpenAPI accepts (``Page[CinemaOut]`` -> ``Page_CinemaOut_``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", model.__name__)


def _hoisted(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Move a schema's ``$defs`` into the shared components (refs already point there).
    Two different models may not share a name: the document would say the wrong one."""
    for name, definition in schema.pop("$defs", {}).items():
        if schemas.setdefault(name, definition) != definition:
            raise ValueError(f"two different schemas are both named {name!r}")
    return schema


def _model_schema(model: type[BaseModel], mode: str) -> dict[str, Any]:
    return model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]


def _schema_of(annotation: Any, schemas: dict[str, Any], mode: str) -> dict[str, Any]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        name = component_name(annotation)
        ref = {"$ref": REF.format(model=name)}
        if name not in schemas:
            schema = _hoisted(_model_schema(annotation, mode), schemas)
            if schema != ref:  # a recursive model comes back as a $ref to its own $defs
                schemas[name] = schema
        return ref
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    return _hoisted(adapter.json_schema(ref_template=REF, mode=mode), schemas)  # type: ignore[arg-type]


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def problems_of(spec: RouteSpec) -> list[type[AppError]]:
    """Every problem a route can answer: implied by its declaration, then its own."""
    found: list[type[AppError]] = [Unauthorized]  # a token that is sent must verify
    if isinstance(spec.auth, Role) and spec.auth is not Role.USER:
        found.append(Forbidden)
    if spec.path_params:
        found += [NotFound, ValidationFailed]
    if spec.body is not None:
        found += [BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed]
    if spec.query is not None:
        found.append(ValidationFailed)
        if "cursor" in spec.query.model_fields:
            found.append(BadRequest)  # a cursor this list did not issue
    if spec.headers is not None:
        found.append(ValidationFailed)
    if spec.rate_limited:
        found.append(TooManyRequests)
    found += spec.errors
    found.append(ServiceUnavailable)
    return list(dict.fromkeys(found))


def _problem_schema(error: type[AppError], schemas: dict[str, Any]) -> dict[str, Any]:
    """``Problem``, or the error's own component: the problem fields, its ``type`` fixed,
    plus its extension members."""
    if error.members is None:
        return {"$ref": REF.format(model="Problem")}
    name = error.__name__
    if name not in schemas:
        members = _hoisted(_model_schema(error.members, "serialization"), schemas)
        schemas[name] = {
            "type": "object",
            "title": name,
            "description": (error.__doc__ or error.title).strip().splitlines()[0],
            "properties": {
                **PROBLEM_SCHEMA["properties"],
                "type": {"type": "string", "const": problem_type(error.slug)},
                **members.get("properties", {}),
            },
            "required": [*PROBLEM_SCHEMA["required"], *members.get("required", [])],
        }
    return {"$ref": REF.format(model=name)}


def _problem_responses(spec: RouteSpec, schemas: dict[str, Any]) -> dict[int, dict[str, Any]]:
    by_status: dict[int, list[type[AppError]]] = {}
    for error in problems_of(spec):
        by_status.setdefault(error.status, []).append(error)
    responses: dict[int, dict[str, Any]] = {}
    for status, errors in sorted(by_status.items()):
        options = list({str(s): s for s in (_problem_schema(e, schemas) for e in errors)}.values())
        schema = options[0] if len(options) == 1 else {"anyOf": options}
        headers: dict[str, Any] = {"X-Correlation-Id": _header_ref("X-Correlation-Id")}
        for error in errors:
            for header, what in error.response_headers.items():
                headers[header] = {
                    "description": what,
                    "required": True,
                    "schema": {"type": "string"},
                }
        responses[status] = {
            "description": STATUS_TEXT.get(status, "Problem"),
            "headers": headers,
            "content": {PROBLEM_JSON: {"schema": schema}},
        }
    return responses


def _parameters(spec: RouteSpec, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    # every path parameter is an id: the route checks it before the view runs
    params = [
        {"name": name, "in": "path", "required": True, "schema": id_schema()}
        for name in PATH_PARAM.findall(spec.path)
    ]
    for location, model in (("query", spec.query), ("header", spec.headers)):
        if model is None:
            continue
        schema = _hoisted(_model_schema(model, "validation"), schemas)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            param = {"name": name, "in": location, "required": name in required, "schema": prop}
            if "description" in prop:
                param["description"] = prop["description"]
            params.append(param)
    if spec.cache_seconds is not None:
        params.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag of a copy the caller has: 304 while it is current.",
                "schema": {"type": "string"},  # any other value is just not current
            }
        )
    return params


def _links(spec: RouteSpec, operations: dict[str, RouteSpec]) -> dict[str, dict[str, Any]]:
    links: dict[str, dict[str, Any]] = {}
    for name, link in spec.links.items():
        if link.operation not in operations:
            raise ValueError(f"{spec.name}: link {name!r} names no operation {link.operation!r}")
        links[name] = _link(link)
    return links


def _link(link: Link) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": link.operation}
    if link.parameters:
        out["parameters"] = dict(link.parameters)
    if link.body is not None:
        out["requestBody"] = dict(link.body)
    if link.description:
        out["description"] = link.description
    return out


def _success(
    spec: RouteSpec, schemas: dict[str, Any], operations: dict[str, RouteSpec]
) -> dict[int, dict[str, Any]]:
    headers: dict[str, Any] = {"X-Correlation-Id": _header_ref("X-Correlation-Id")}
    if spec.location:
        headers["Location"] = _header_ref("Location")
    cached = spec.cache_seconds is not None and spec.status == 200
    if cached:
        headers["ETag"] = _header_ref("ETag")
        headers["Cache-Control"] = _header_ref("Cache-Control")
    success: dict[str, Any] = {
        "description": STATUS_TEXT.get(spec.status, "Success"),
        "headers": headers,
    }
    if spec.response is not None:
        schema = _schema_of(spec.response, schemas, "serialization")
        success["content"] = {spec.media_type: {"schema": schema}}
    links = _links(spec, operations)
    if links:
        success["links"] = links
    responses = {spec.status: success}
    for status, what in spec.also.items():
        responses[status] = {**success, "description": what}
    if cached:
        responses[304] = {
            "description": STATUS_TEXT[304],
            "headers": {
                "X-Correlation-Id": _header_ref("X-Correlation-Id"),
                "ETag": _header_ref("ETag"),
            },
        }
    return responses


def _operation(
    spec: RouteSpec, schemas: dict[str, Any], operations: dict[str, RouteSpec]
) -> dict[str, Any]:
    responses = _success(spec, schemas, operations)
    for status, problem in _problem_responses(spec, schemas).items():
        if status in responses:  # the route's own answer at this status (health's 503)
            responses[status]["content"].update(problem["content"])
        else:
            responses[status] = problem
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": spec.tags,
        "parameters": _parameters(spec, schemas),
        "responses": {str(status): responses[status] for status in sorted(responses)},
    }
    if spec.description:
        operation["description"] = spec.description
    if spec.body is not None:
        operation["requestBody"] = {
            "required": spec.body_required,
            "content": {
                "application/json": {"schema": _schema_of(spec.body, schemas, "validation")}
            },
        }
    # A token is optional on a public route, but one that is sent must verify (401).
    operation["security"] = (
        [{"bearer": []}] if isinstance(spec.auth, Role) else [{}, {"bearer": []}]
    )
    if isinstance(spec.auth, Role):
        operation["x-required-role"] = spec.auth.value
    return operation
