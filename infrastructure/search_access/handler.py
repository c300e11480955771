"""CloudFormation custom resource: gives the API role read access inside the search domain.

With fine-grained access control, the domain's access policy lets a role's requests in,
but OpenSearch itself only lets the master user (the indexer role) do anything until a
role is mapped. This function runs *as the indexer role* and, on create and update, PUTs
a read-only OpenSearch role for the movie indexes and maps the API role to it. Deleting
does nothing (the mapping goes with the domain).

Standard library and the Lambda runtime's botocore only, so the asset is this file.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

#: OpenSearch actions the API needs: searches, gets, and the alias lookup of ensure_ready.
READ_ACTIONS = ["read", "indices:admin/aliases/get"]


def security_requests(props: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The security-plugin REST calls that create the role and map the backend roles."""
    base = f"{str(props['Endpoint']).rstrip('/')}/_plugins/_security/api"
    role = props["RoleName"]
    return [
        (
            "PUT",
            f"{base}/roles/{role}",
            {
                "cluster_permissions": ["cluster_composite_ops_ro"],
                "index_permissions": [
                    {"index_patterns": [props["IndexPattern"]], "allowed_actions": READ_ACTIONS}
                ],
            },
        ),
        ("PUT", f"{base}/rolesmapping/{role}", {"backend_roles": list(props["BackendRoles"])}),
    ]


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
