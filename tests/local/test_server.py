"""The local gateway under a burst: every connection is queued and answered, and the app
still sees one request at a time, like one Lambda container."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice import Chalice

from local.server import ApiServer
from local.services import free_port

BURST = 96  # the finding: 6-19 of 40 concurrent POSTs were reset


@contextmanager
def serving(app: Chalice) -> Iterator[int]:
    """The app behind the local gateway on a free port."""
    port = free_port()
    server = ApiServer(app, "127.0.0.1", port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


def burst(port: int, method: str, path: str, body: bytes | None) -> Counter[str]:
    """``BURST`` clients connect and send at the same instant; what each one got."""
    outcomes: list[str] = []
    start = threading.Barrier(BURST)

    def client() -> None:
        start.wait()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request(
                method, path, body=body, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            response.read()
            outcomes.append(str(response.status))
        except OSError as exc:  # ECONNRESET and friends: the connection was dropped
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=client) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def test_a_burst_of_connections_is_queued_and_served_one_at_a_time() -> None:
    app = Chalice(app_name="burst")
    inside = {"now": 0, "most": 0}

    @app.route("/work", methods=["POST"])
    def work() -> dict[str, Any]:
        inside["now"] += 1
        inside["most"] = max(inside["most"], inside["now"])
        time.sleep(0.005)  # long enough for the others to pile up at the door
        inside["now"] -= 1
        return {"ok": True}

    with serving(app) as port:
        assert burst(port, "POST", "/work", b"{}") == Counter({"200": BURST})
    assert inside["most"] == 1


def test_the_marquee_api_answers_a_burst_of_posts(stack: Any) -> None:
    from app import app

    with serving(app) as port:
        # a cheap public POST: the body is refused after the request was counted
        assert burst(port, "POST", "/auth/login", b"{}") == Counter({"422": BURST})
