"""OpenAPI 3.1 document built from the app's route table and the ``@route`` declarations.

A route added anywhere appears here without further work.
"""

from __future__ import annotations

import re
from typing import Any

from chalice import Chalice
from pydantic import BaseModel, TypeAdapter

from chalicelib.accounts.roles import Role
from chalicelib.api.routing import PATH_PARAM, ROUTE_SPECS, RouteSpec
from chalicelib.core.ids import id_schema

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status"],
}

REF = "#/components/schemas/{model}"


def build(app: Chalice, title: str = "Marquee API", version: str = "1.0.0") -> dict[str, Any]:
    specs = [
        (path, method, ROUTE_SPECS.get(entry.view_function))
        for path, methods in sorted(app.routes.items())
        for method, entry in sorted(methods.items())
    ]
    schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}

    paths: dict[str, Any] = {}
    for path, method, spec in specs:
        paths.setdefault(path, {})[method.lower()] = _operation(path, method, spec, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def component_name(model: type[BaseModel]) -> str:
    """A component key OpenAPI accepts (``Page[CinemaOut]`` -> ``Page_CinemaOut_``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", model.__name__)


def _hoisted(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Move a schema's ``$defs`` into the shared components (refs already point there)."""
    schemas.update(schema.pop("$defs", {}))
    return schema


def _schema_of(annotation: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        name = component_name(annotation)
        if name not in schemas:
            schemas[name] = _hoisted(annotation.model_json_schema(ref_template=REF), schemas)
        return {"$ref": REF.format(model=name)}
    return _hoisted(TypeAdapter(annotation).json_schema(ref_template=REF), schemas)


def _operation(path: str, method: str, spec: RouteSpec | None, schemas: dict[str, Any]) -> Any:
    # every path parameter is an id: the route checks it before the view runs
    params = [
        {"name": name, "in": "path", "required": True, "schema": id_schema()}
        for name in PATH_PARAM.findall(path)
    ]
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    if spec is None:
        return {"parameters": params, "responses": {"default": {"description": "Response"}}}
    if spec.query is not None:
        query_schema = _hoisted(spec.query.model_json_schema(ref_template=REF), schemas)
        required = set(query_schema.get("required", []))
        for name, prop in query_schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": spec.tags,
        "parameters": params,
        "responses": {
            "4XX": {"description": "Client error", "content": problem},
            "5XX": {"description": "Server error", "content": problem},
        },
    }
    if spec.description:
        operation["description"] = spec.description
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema_of(spec.body, schemas)}},
        }
    success: dict[str, Any] = {"description": "Success"}
    if spec.response is not None and spec.status != 204:
        success["content"] = {"application/json": {"schema": _schema_of(spec.response, schemas)}}
    operation["responses"][str(spec.status)] = success
    if spec.auth is not None:
        operation["security"] = (
            [{"bearer": []}]
            if isinstance(spec.auth, Role)
            else [
                {},
                {"bearer": []},
            ]
        )
        if isinstance(spec.auth, Role):
            operation["x-required-role"] = spec.auth.value
    return operation
