"""The custom resource that maps the function roles inside the search domain, run against
a local HTTP server standing in for both the domain and CloudFormation's response URL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from infrastructure.components.search import SEARCH_READ_ROLE, SEARCH_WRITE_ROLE
from infrastructure.search_access import handler as mapper
from tests.infrastructure.helpers import functions, ref_id, resources


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
            "Roles": [
                {
                    "RoleName": SEARCH_READ_ROLE,
                    "IndexPattern": "marquee-dev-movies*",
                    "Access": "read",
                    "BackendRoles": ["arn:aws:iam::123456789012:role/api"],
                },
                {
                    "RoleName": SEARCH_WRITE_ROLE,
                    "IndexPattern": "marquee-dev-movies*",
                    "Access": "write",
                    "BackendRoles": ["arn:aws:iam::123456789012:role/indexer"],
                },
            ],
        },
    }


def test_create_puts_a_read_and_a_write_role_maps_each_and_reports_success(
    server: Recorder,
) -> None:
    mapper.handler(event(server, "Create"), None)

    read_role, read_mapping, write_role, write_mapping, answer = server.requests
    assert read_role["path"] == f"/_plugins/_security/api/roles/{SEARCH_READ_ROLE}"
    (permissions,) = read_role["body"]["index_permissions"]
    assert permissions["index_patterns"] == ["marquee-dev-movies*"]
    assert "read" in permissions["allowed_actions"]
    assert not {"write", "crud", "manage", "indices_all"} & set(permissions["allowed_actions"])
    assert read_mapping["path"] == f"/_plugins/_security/api/rolesmapping/{SEARCH_READ_ROLE}"
    assert read_mapping["body"] == {"backend_roles": ["arn:aws:iam::123456789012:role/api"]}
    # The indexer writes the movie indexes only: no security, no cluster administration.
    assert write_role["path"] == f"/_plugins/_security/api/roles/{SEARCH_WRITE_ROLE}"
    (permissions,) = write_role["body"]["index_permissions"]
    assert permissions["index_patterns"] == ["marquee-dev-movies*"]
    assert "crud" in permissions["allowed_actions"]
    assert write_role["body"]["cluster_permissions"] == ["cluster_composite_ops"]
    assert write_mapping["body"] == {"backend_roles": ["arn:aws:iam::123456789012:role/indexer"]}
    for request in (read_role, read_mapping, write_role, write_mapping):  # SigV4 for es
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


def test_the_mapper_alone_administers_search_and_maps_the_api_and_indexer_roles(
    synth: Any, template: dict[str, Any]
) -> None:
    (resource,) = resources(template, "Custom::SearchAccess").values()
    read, write = resource["Properties"]["Roles"]
    fns = functions(template)
    prefix = f"marquee-{synth.stage}-"
    role_of = {name.removeprefix(prefix): ref_id(fn["Role"]) for name, fn in fns.items()}
    assert (read["RoleName"], read["Access"]) == (SEARCH_READ_ROLE, "read")
    assert [ref_id(r) for r in read["BackendRoles"]] == [role_of["api"]]
    assert (write["RoleName"], write["Access"]) == (SEARCH_WRITE_ROLE, "write")
    assert [ref_id(r) for r in write["BackendRoles"]] == [role_of["indexer"]]
    for mapping in (read, write):
        assert mapping["IndexPattern"] == f"marquee-{synth.stage}-movies*"
    (domain,) = resources(template, "AWS::OpenSearchService::Domain").values()
    master = domain["Properties"]["AdvancedSecurityOptions"]["MasterUserOptions"]["MasterUserARN"]
    assert ref_id(master) == role_of["search-access"]  # the mapper's role, no function's
    assert role_of["search-access"] not in {role_of["api"], role_of["indexer"]}
