"""A small in-process HTTP client over the same gateway the local server uses."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

from chalice import Chalice

from local.server import MarqueeGateway, local_config


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return jsonlib.loads(self.text) if self.text else None

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get(name.lower())


class ApiClient:
    def __init__(self, app: Chalice, token: str | None = None, lambda_timeout: int = 30) -> None:
        """``lambda_timeout``: the seconds an invocation may run (what an in-progress
        idempotency record lasts after a crash)."""
        self.gateway = MarqueeGateway(app, local_config(lambda_timeout))
        self.token = token

    def as_user(self, token: str | None) -> ApiClient:
        other = ApiClient.__new__(ApiClient)
        other.gateway, other.token = self.gateway, token
        return other

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Result:
        sent = {"Host": "localhost"}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if json is not None:
            body = jsonlib.dumps(json)
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        raw = body.encode() if isinstance(body, str) else body
        response = self.gateway.handle_request(method.upper(), path, sent, raw or b"")
        headers_out = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers_out[name] = ", ".join(values)
        text = response.get("body") or ""
        return Result(
            response["statusCode"], headers_out, text if isinstance(text, str) else text.decode()
        )

    def get(self, path: str, **kw: Any) -> Result:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Result:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Result:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Result:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Result:
        return self.request("DELETE", path, **kw)
