"""The web client on a laptop: ``web/dist`` (the Vite build) served statically on its own
port, plus the ``/config.json`` the client reads at start, pointing it at the local API and
at localstripe's Stripe.js stand-in. On AWS the same file is written next to the build by
the CDK app (``infrastructure/components/site.py``)."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local.services import ROOT

DIST = ROOT / "web" / "dist"
#: localstripe accepts any ``pk_`` key from a browser; this one is public and local-only.
LOCAL_PUBLISHABLE_KEY = "pk_test_marquee_local"


def client_config(api_url: str, stripe_url: str) -> dict[str, str]:
    return {
        "apiBaseUrl": api_url,
        "stripeJsUrl": f"{stripe_url}/js.stripe.com/v3/",
        "stripePublishableKey": LOCAL_PUBLISHABLE_KEY,
    }


class _Handler(SimpleHTTPRequestHandler):
    config_body = b"{}"

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/config.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(self.config_body)))
            self.end_headers()
            self.wfile.write(self.config_body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class WebServer(threading.Thread):
    """Serves ``dist`` on ``port`` until stopped; fails at once when the build is missing."""

    def __init__(self, port: int, config: dict[str, str], dist: Path = DIST) -> None:
        super().__init__(name="web", daemon=True)
        if not (dist / "index.html").is_file():
            raise FileNotFoundError(f"{dist}/index.html is missing: run `make web` first")
        handler = type("Handler", (_Handler,), {"config_body": json.dumps(config).encode()})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=dist))
        self.url = f"http://127.0.0.1:{port}"

    def run(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
