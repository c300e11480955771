"""cdk-nag (v3) acknowledgments: every accepted finding is acknowledged next to the
resource it concerns, with the reason it is acceptable.

A rule that reports several findings on one resource (IAM5 wildcards) is acknowledged per
finding, ``Rule[Finding]``; an acknowledgment on a construct covers its children.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule: str, reason: str, findings: Iterable[str] = ()) -> None:
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    Validations.of(scope).acknowledge(*(Acknowledgment(id=i, reason=reason) for i in ids))


def arn_ref(resource: IConstruct) -> str:
    """How cdk-nag spells ``Fn::GetAtt [resource, Arn]`` in a finding: ``<LogicalId.Arn>``."""
    element = resource if isinstance(resource, CfnElement) else resource.node.default_child
    assert isinstance(element, CfnElement)
    stack = Stack.of(element)
    return f"<{stack.resolve(element.logical_id)}.Arn>"
