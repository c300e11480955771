"""The custom resource that maps the API role inside the search domain, run against a
local HTTP server standing in for both the domain and CloudFormation's response URL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from infrastructure.components.search import SEARCH_READ_ROLE
from infrastructure.search_access import handler as mapper
from tests.infrastructure.helpers import resources


class Recorder(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.requests: list[dict[str, Any]] = []
        self.security_status = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class RecordingHandler(BaseHTTPRequestHandler):
    server: Recorder

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(body or b"{}")}
        )
        status = self.server.security_status if "/_plugins/" in self.path else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.shutdown()
    recorder.server_close()


def event(server: Recorder, request_type: str) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": f"{server.url}/cloudformation-response",
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/marquee-dev/1",
        "RequestId": "request-1",
        "LogicalResourceId": "SearchReadAccess",
        "ResourceProperties": {
            "Endpoint": server.url,
            "Region": "eu-west-1",
            "RoleName": SEARCH_READ_ROLE,
            "IndexPattern": "marquee-dev-movies*",
            "BackendRoles": ["arn:aws:iam::123456789012:role/api"],
        },
    }


def test_create_puts_a_read_role_maps_the_api_role_and_reports_success(
    server: Recorder,
) -> None:
    mapper.handler(event(server, "Create"), None)

    role, mapping, answer = server.requests
    assert role["path"] == f"/_plugins/_security/api/roles/{SEARCH_READ_ROLE}"
    (permissions,) = role["body"]["index_permissions"]
    assert permissions["index_patterns"] == ["marquee-dev-movies*"]
    assert "read" in permissions["allowed_actions"]
    assert not {"write", "crud", "indices_all"} & set(permissions["allowed_actions"])
    assert mapping["path"] == f"/_plugins/_security/api/rolesmapping/{SEARCH_READ_ROLE}"
    assert mapping["body"] == {"backend_roles": ["arn:aws:iam::123456789012:role/api"]}
    for request in (role, mapping):  # SigV4-signed for the es service
        assert request["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 ")
        assert "/eu-west-1/es/aws4_request" in request["headers"]["Authorization"]
    assert answer["path"] == "/cloudformation-response"
    assert answer["body"]["Status"] == "SUCCESS"
    assert answer["body"]["RequestId"] == "request-1"


def test_a_refused_mapping_fails_the_deployment_with_the_reason(server: Recorder) -> None:
    server.security_status = 403

    mapper.handler(event(server, "Update"), None)

    answer = server.requests[-1]
    assert answer["path"] == "/cloudformation-response"
    assert answer["body"]["Status"] == "FAILED"
    assert "403" in answer["body"]["Reason"]


def test_delete_changes_nothing_and_succeeds(server: Recorder) -> None:
    mapper.handler({**event(server, "Delete"), "PhysicalResourceId": "kept"}, None)

    (answer,) = server.requests
    assert answer["body"]["Status"] == "SUCCESS"
    assert answer["body"]["PhysicalResourceId"] == "kept"


def test_the_stack_maps_exactly_the_api_role_to_the_movie_indexes(
    synth: Any, template: dict[str, Any]
) -> None:
    (resource,) = resources(template, "Custom::SearchAccess").values()
    props = resource["Properties"]
    assert props["RoleName"] == SEARCH_READ_ROLE
    assert props["IndexPattern"] == f"marquee-{synth.stage}-movies*"
    (api_role,) = props["BackendRoles"]
    assert api_role["Fn::GetAtt"][0].startswith("AccessApiRole")
