"""Reading a synthesised template: resources by type, a role's policy statements."""

from __future__ import annotations

from typing import Any


def resources(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == type_}


def properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    return template["Resources"][logical_id].get("Properties", {})


def ref_id(value: Any) -> str | None:
    """The logical id behind ``{"Ref": id}`` or ``{"Fn::GetAtt": [id, attr]}``."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


#: The Lambda (and its AWS CLI layer) the CDK's BucketDeployment brings to copy the web
#: client into its bucket: the CDK's own deploy-time helper (see test_site.py), not one of
#: the project's functions.
SITE_DEPLOY_HANDLER = "CustomCDKBucketDeployment"
SITE_DEPLOY_LAYER = "SiteDeployAwsCliLayer"


def layers(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The project's Lambda layers by logical id."""
    return {
        k: r
        for k, r in resources(template, "AWS::Lambda::LayerVersion").items()
        if not k.startswith(SITE_DEPLOY_LAYER)
    }


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every Lambda of the project (the Chalice API included) by function name."""
    found = {}
    for type_ in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
        for logical_id, resource in resources(template, type_).items():
            if logical_id.startswith(SITE_DEPLOY_HANDLER):
                continue
            props = resource["Properties"]
            found[props["FunctionName"]] = {"id": logical_id, **props}
    return found


def role_statements(template: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    """Every Allow statement of the policies of one role (CDK moves what does not fit in
    the inline policy to "overflow" managed policies)."""
    statements: list[dict[str, Any]] = []
    for type_ in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for resource in resources(template, type_).values():
            props = resource["Properties"]
            if any(ref_id(r) == role_id for r in props.get("Roles", [])):
                statements += props["PolicyDocument"]["Statement"]
    role = properties(template, role_id)
    for policy in role.get("Policies", []):
        statements += policy["PolicyDocument"]["Statement"]
    return [s for s in statements if s.get("Effect") == "Allow"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def actions_on(statements: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """(action, resource) pairs granted by ``statements``."""
    pairs = []
    for statement in statements:
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                pairs.append((action, resource))
    return pairs


def mentions(value: Any, logical_id: str) -> bool:
    """Whether a (possibly intrinsic) value refers to ``logical_id``."""
    if isinstance(value, dict):
        if ref_id(value) == logical_id:
            return True
        return any(mentions(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(mentions(v, logical_id) for v in value)
    return False
