"""An IAM gate in front of DynamoDB Local, which itself accepts any credentials.

Each request (DynamoDB or DynamoDB Streams) is authorised the way AWS authorises it, against
the policy registered for the caller's access key, then forwarded unchanged:

- an item, query or table call: its action on the table ARN, or ``table/T/index/I`` when
  it names an index;
- ``TransactWriteItems``/``TransactGetItems``: each contained Put, Update, Delete,
  ConditionCheck or Get as ``PutItem``... on its own table;
- ``BatchGetItem``/``BatchWriteItem``: that action on every table in the request;
- stream calls on the stream ARN (``GetRecords``: the stream its iterator came from);
  ``ListTables``/``ListStreams`` on ``*``.

A refusal is DynamoDB's ``AccessDeniedException``. Every decision is recorded, so a test
can show both that nothing was refused and which grants the code used.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import urllib3
from moto.iam.access_control import IAMPolicy, PermissionResult

#: The account in every ARN of the local replica (moto's default account).
ACCOUNT = "123456789012"
_TRANSACT = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/")


def table_arn(region: str, name: str) -> str:
    return name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"


@dataclass(frozen=True)
class Decision:
    caller: str
    action: str  # "dynamodb:PutItem"
    resource: str
    allowed: bool


class DynamoDBGate:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.callers: dict[str, tuple[str, str]] = {}  # access key id -> (name, policy JSON)
        self.decisions: list[Decision] = []
        self._iterators: dict[str, str] = {}  # shard iterator -> stream ARN
        self._lock = threading.Lock()
        self._http = urllib3.PoolManager(maxsize=8)
        self._server: ThreadingHTTPServer | None = None

    # --- set-up -----------------------------------------------------------------------

    def admit(self, access_key_id: str, name: str, policy: dict[str, Any]) -> None:
        self.callers[access_key_id] = (name, json.dumps(policy))

    def start(self, port: int) -> None:
        gate = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, payload = gate.handle(dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- one request --------------------------------------------------------------------

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        target = headers.get("X-Amz-Target", "")
        action = target.rpartition(".")[2]
        request = json.loads(body or b"{}")
        found = _CREDENTIAL.search(headers.get("Authorization", ""))
        if found is None or found.group(1) not in self.callers:
            return _error("UnrecognizedClientException", "The security token is not valid.")
        name, policy = self.callers[found.group(1)]
        for needed, resource in self.authorizations(action, request, found.group(2)):
            allowed = (
                IAMPolicy(policy).is_action_permitted(needed, resource)
                == PermissionResult.PERMITTED
            )
            with self._lock:
                self.decisions.append(Decision(name, needed, resource, allowed))
            if not allowed:
                return _error(
                    "AccessDeniedException",
                    f"User: {name} is not authorized to perform: {needed} on resource: "
                    f"{resource} because no identity-based policy allows the {needed} action",
                )
        upstream = self._http.request(
            "POST",
            self.upstream + "/",
            body=body,
            headers={k: v for k, v in headers.items() if k.lower() not in {"host", "connection"}},
            retries=False,
        )
        if action in {"GetShardIterator", "GetRecords"} and upstream.status == 200:
            self._remember_iterator(request, json.loads(upstream.data))
        # urllib3 hands the body over decoded: drop what described the encoded one.
        dropped = {"content-length", "connection", "transfer-encoding", "content-encoding"}
        dropped.add("x-amz-crc32")
        kept = {k: v for k, v in upstream.headers.items() if k.lower() not in dropped}
        return upstream.status, kept, upstream.data

    def authorizations(
        self, action: str, request: dict[str, Any], region: str
    ) -> list[tuple[str, str]]:
        """The (IAM action, resource) pairs AWS checks for one request."""
        if action in {"TransactWriteItems", "TransactGetItems"}:
            pairs = []
            for item in request.get("TransactItems", []):
                kind, spec = next(iter(item.items()))
                pairs.append((f"dynamodb:{_TRANSACT[kind]}", table_arn(region, spec["TableName"])))
            return pairs
        if action in {"BatchGetItem", "BatchWriteItem"}:
            return [(f"dynamodb:{action}", table_arn(region, t)) for t in request["RequestItems"]]
        if action in {"ListTables", "ListStreams"}:
            return [(f"dynamodb:{action}", "*")]
        if action in {"DescribeStream", "GetShardIterator"}:
            return [(f"dynamodb:{action}", request["StreamArn"])]
        if action == "GetRecords":
            with self._lock:
                stream = self._iterators.get(request["ShardIterator"], "unknown-stream")
            return [(f"dynamodb:{action}", stream)]
        resource = table_arn(region, request["TableName"])
        if request.get("IndexName"):
            resource += f"/index/{request['IndexName']}"
        return [(f"dynamodb:{action}", resource)]

    def _remember_iterator(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        with self._lock:
            stream = request.get("StreamArn") or self._iterators.get(request.get("ShardIterator"))
            for key in ("ShardIterator", "NextShardIterator"):
                if response.get(key) and stream:
                    self._iterators[response[key]] = stream

    # --- what happened ------------------------------------------------------------------

    def refused(self) -> list[Decision]:
        with self._lock:
            return [d for d in self.decisions if not d.allowed]

    def used_by(self, caller: str) -> set[tuple[str, str]]:
        with self._lock:
            return {(d.action, d.resource) for d in self.decisions if d.caller == caller}


def _error(code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"__type": f"com.amazon.coral.service#{code}", "message": message})
    return 400, {"Content-Type": "application/x-amz-json-1.0"}, body.encode()
