"""CloudFormation custom resource: maps the function roles to roles inside the search domain.

With fine-grained access control, the domain's access policy lets a role's requests in,
but OpenSearch itself only lets its master user do anything until a role is mapped. This
function runs *as the master user* (a role only it has) and, on create and update, PUTs
each OpenSearch role the stack asks for — read-only for the API, writer of the movie
indexes for the indexer — and maps the backend (IAM) roles to it. Deleting does nothing
(the mappings go with the domain).

Standard library and the Lambda runtime's botocore only, so the asset is this file.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

#: What each kind of access may do on the index pattern, and on the cluster.
PERMISSIONS = {
    # searches, gets, and the alias lookup of ensure_ready
    "read": (["cluster_composite_ops_ro"], ["read", "indices:admin/aliases/get"]),
    # documents in, versioned indexes created and dropped, the alias moved (bulk and
    # alias changes are cluster-level composite operations)
    "write": (["cluster_composite_ops"], ["crud", "create_index", "manage"]),
}


def security_requests(props: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The security-plugin REST calls that create each role and map its backend roles."""
    base = f"{str(props['Endpoint']).rstrip('/')}/_plugins/_security/api"
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for role in props["Roles"]:
        cluster, index = PERMISSIONS[role["Access"]]
        name = role["RoleName"]
        body: dict[str, Any] = {
            "cluster_permissions": cluster,
            "index_permissions": [
                {"index_patterns": [role["IndexPattern"]], "allowed_actions": index}
            ],
        }
        calls.append(("PUT", f"{base}/roles/{name}", body))
        mapping: dict[str, Any] = {"backend_roles": list(role["BackendRoles"])}
        calls.append(("PUT", f"{base}/rolesmapping/{name}", mapping))
    return calls


def signed_request(method: str, url: str, body: dict[str, Any], region: str) -> int:
    """One SigV4-signed JSON request with the function's own credentials."""
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    data = json.dumps(body).encode()
    request = AWSRequest(
        method=method, url=url, data=data, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(boto3.Session().get_credentials(), "es", region).add_auth(request)
    outgoing = urllib.request.Request(
        url, data=data, method=method, headers=dict(request.headers.items())
    )
    with urllib.request.urlopen(outgoing, timeout=30) as response:
        return int(response.status)


def respond(event: dict[str, Any], status: str, reason: str) -> None:
    """Tell CloudFormation the outcome (a PUT to the presigned ``ResponseURL``)."""
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason,
            "PhysicalResourceId": event.get("PhysicalResourceId")
            or f"search-access-{event['LogicalResourceId']}",
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def handler(event: dict[str, Any], context: Any) -> None:
    status, reason = "SUCCESS", "mapped"
    try:
        if event["RequestType"] in ("Create", "Update"):
            props = event["ResourceProperties"]
            for method, url, body in security_requests(props):
                signed_request(method, url, body, str(props["Region"]))
        else:
            reason = "nothing to undo"
    except Exception as exc:  # CloudFormation must hear back, or it waits for an hour
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"[:500]
    respond(event, status, reason)
