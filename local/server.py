"""The API on a laptop: Chalice's local gateway, with two differences that match how the
deployed API Gateway is configured by ``infrastructure/``:

- an unknown route is a 404 problem+json (a Gateway Response on AWS), not API Gateway's
  default 403 "Missing Authentication Token";
- one request at a time reaches the app, as in one Lambda container (Chalice keeps the
  current request on the app object, which threads would share); a burst of connections
  waits its turn in a deep accept queue instead of being reset;
- a CORS preflight names the asking origin when it is one of the configured origins: a
  stage on AWS has one browser origin, baked into its preflight answers, while the local
  stack has several (the web client, Vite's dev server).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    ForbiddenError,
    LocalDevServer,
    LocalGateway,
    ThreadedHTTPServer,
)

from chalicelib.core.config import get_settings

NOT_FOUND_BODY = {
    "type": "urn:marquee:problem:not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "No such route.",
}

_one_at_a_time = threading.Lock()


class MarqueeGateway(LocalGateway):
    def handle_request(
        self, method: str, path: str, headers: Any, body: bytes | None
    ) -> dict[str, Any]:
        try:
            self.event_converter.create_lambda_event(
                method=method, path=path, headers=headers, body=body
            )
        except ValueError:
            return {
                "statusCode": 404,
                "headers": {"Content-Type": "application/problem+json"},
                "multiValueHeaders": {},
                "body": json.dumps(NOT_FOUND_BODY),
            }
        with _one_at_a_time:
            try:
                response = dict(super().handle_request(method, path, headers, body))
                if method == "OPTIONS":
                    _allow_origin(response, headers)
                return response
            except ForbiddenError as error:  # authorizer refusals, as API Gateway would
                return {
                    "statusCode": error.CODE,
                    "headers": dict(error.headers),
                    "multiValueHeaders": {},
                    "body": error.body.decode() if error.body else "",
                }


def _allow_origin(response: dict[str, Any], headers: Any) -> None:
    # Chalice's handler passes the request headers as a plain dict, in the sender's case.
    origin = next((v for k, v in headers.items() if k.lower() == "origin"), None)
    allowed = origin and origin in get_settings().cors_allowed_origins
    if allowed and "Access-Control-Allow-Origin" in response["headers"]:
        response["headers"]["Access-Control-Allow-Origin"] = origin
        response["headers"]["Vary"] = "Origin"


class MarqueeRequestHandler(ChaliceRequestHandler):
    def __init__(
        self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config
    ) -> None:
        self.local_gateway = MarqueeGateway(app_object, config)
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def __getattr__(self, name: str) -> Any:
        # Every other method (TRACE, QUERY, ...) reaches the app too, which answers 405
        # problem+json as the deployed API does, instead of http.server's bare 501 page.
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app logs each request itself, with its correlation id


class MarqueeHTTPServer(ThreadedHTTPServer):
    """socketserver listens with a backlog of 5: connections past it while the one app
    thread works were reset. The kernel caps this at ``net.core.somaxconn``."""

    request_queue_size = 1024


def local_config(lambda_timeout: int = 30) -> Config:
    return Config.create(chalice_stage="local", app_name="marquee", lambda_timeout=lambda_timeout)


def make_server(app: Chalice, host: str, port: int) -> LocalDevServer:
    return LocalDevServer(
        app,
        local_config(),
        host,
        port,
        handler_cls=MarqueeRequestHandler,
        server_cls=MarqueeHTTPServer,
    )


class ApiServer(threading.Thread):
    def __init__(self, app: Chalice, host: str, port: int) -> None:
        super().__init__(name="api", daemon=True)
        self.server = make_server(app, host, port)
        self.url = f"http://{host}:{port}"

    def run(self) -> None:
        self.server.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server.server_close()
