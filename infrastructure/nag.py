"""cdk-nag (v3) acknowledgments: every accepted finding is acknowledged next to the
resource it concerns, with the reason it is acceptable.

A rule that reports several findings on one resource (IAM5 wildcards) is acknowledged per
finding, ``Rule[Finding]``; an acknowledgment on a construct covers its children.

Acknowledgments are collected while the stacks are built and applied by ``settle``, which
first runs the rules with none applied: an acknowledgment that matches no finding (a
resource cdk-nag never inspects, a finding fixed since) fails the synthesis, so none can
sit there suppressing nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct

_pending: list[tuple[IConstruct, tuple[Acknowledgment, ...]]] = []


class DeadAcknowledgment(ValueError):
    """An acknowledgment that suppresses no finding."""


def acknowledge(scope: IConstruct, rule: str, reason: str, findings: Iterable[str] = ()) -> None:
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    _pending.append((scope, tuple(Acknowledgment(id=i, reason=reason) for i in ids)))


def settle(app: IConstruct, checks: object) -> None:
    """Check every collected acknowledgment against the findings of ``checks`` (a cdk-nag
    pack, run on ``app`` with nothing acknowledged yet), then apply them all."""
    pending = list(_pending)
    _pending.clear()  # each acknowledgment is settled once, whatever the outcome
    report = checks.validate_scope(app)  # type: ignore[attr-defined]
    findings = {
        (violation.rule_name, resource.construct_path or "")
        for violation in report.violations
        for resource in violation.violating_resources
    }
    dead = []
    for scope, acknowledgments in pending:
        path = scope.node.path
        for ack in acknowledgments:
            if not any(
                rule == ack.id and (found == path or found.startswith(f"{path}/"))
                for rule, found in findings
            ):
                dead.append(f"{ack.id} on {path}")
    if dead:
        raise DeadAcknowledgment(
            "acknowledgments that suppress no cdk-nag finding (remove them, or check the "
            "resource is one cdk-nag inspects): " + "; ".join(sorted(dead))
        )
    for scope, acknowledgments in pending:
        Validations.of(scope).acknowledge(*acknowledgments)


def arn_ref(resource: IConstruct) -> str:
    """How cdk-nag spells ``Fn::GetAtt [resource, Arn]`` in a finding: ``<LogicalId.Arn>``."""
    element = resource if isinstance(resource, CfnElement) else resource.node.default_child
    assert isinstance(element, CfnElement)
    stack = Stack.of(element)
    return f"<{stack.resolve(element.logical_id)}.Arn>"
