"""Static checks of the synthesised templates: cdk-nag AwsSolutions (a violation fails the
synth itself, so the session fixture already proves there is none, and so does an
acknowledgment that suppresses nothing) with a reason for every acknowledged finding, and
cfn-lint (which also expands the SAM part Chalice produced) on both stacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infrastructure import nag
from tests.infrastructure.conftest import INFRA, ROOT, Synth, offline_env

CFN_LINT = Path(sys.executable).parent / "cfn-lint"
#: W3005 "dependency already enforced": CDK adds DependsOn on a Lambda's role (and its
#: default policy) on purpose, so the policy is attached before the function is created.
IGNORED_CHECKS = ["W3005"]


def acknowledgments(template: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for resource in template["Resources"].values():
        nag = resource.get("Metadata", {}).get("cdk_nag", {})
        found += nag.get("rules_to_suppress", [])
    return found


def test_cdk_nag_ran_and_every_acknowledged_finding_is_justified(template: Any) -> None:
    acks = acknowledgments(template)
    rules = {a["id"].split("[")[0] for a in acks}
    # The acknowledgments the stack makes on purpose are there...
    assert {"AwsSolutions-L1", "AwsSolutions-IAM5", "AwsSolutions-OS1"} <= rules
    # ...and each one says why, in words.
    for ack in acks:
        assert len(ack["reason"].split()) >= 6, ack


def test_an_acknowledgment_that_suppresses_nothing_fails_the_synthesis() -> None:
    """What ``nag.settle`` does at every synthesis, on a small app: a live acknowledgment
    is applied, a dead one (a rule the resource does not break) is refused."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_sqs as sqs
    from cdk_nag import AwsSolutionsChecks

    app = App()
    stack = Stack(app, "Probe")
    queue = sqs.Queue(stack, "Queue", enforce_ssl=True)  # no dead-letter queue: SQS3
    nag.acknowledge(queue, "AwsSolutions-SQS3", "A probe queue of the test, nothing more.")
    nag.settle(app, AwsSolutionsChecks(app))  # live: applied without complaint

    nag.acknowledge(queue, "AwsSolutions-S1", "Not a bucket: this acknowledges nothing.")
    with pytest.raises(nag.DeadAcknowledgment, match="AwsSolutions-S1 on Probe/Queue"):
        nag.settle(app, AwsSolutionsChecks(app))


def test_the_gateway_account_setting_lives_in_one_shared_stack(synth: Synth) -> None:
    """AWS::ApiGateway::Account is one setting per account and region: a stack of its own,
    which every stage's stack depends on, so deleting a stage never breaks another."""
    stage = synth.template
    account = json.loads(synth.account_template_path.read_text())
    assert not [r for r in stage["Resources"].values() if r["Type"] == "AWS::ApiGateway::Account"]
    (setting,) = [
        r for r in account["Resources"].values() if r["Type"] == "AWS::ApiGateway::Account"
    ]
    role = account["Resources"][setting["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]]
    assert role["DeletionPolicy"] == "Retain"
    manifest = json.loads((synth.outdir / "manifest.json").read_text())
    dependencies = manifest["artifacts"][f"marquee-{synth.stage}"]["dependencies"]
    assert "marquee-apigateway-account" in dependencies
    assert manifest["artifacts"]["marquee-apigateway-account"]["properties"][
        "terminationProtection"
    ]


@pytest.mark.parametrize("stack", ["stage", "account"])
def test_cfn_lint_passes_on_the_synthesised_templates(synth: Synth, stack: str) -> None:
    path = synth.template_path if stack == "stage" else synth.account_template_path
    result = subprocess.run(
        [str(CFN_LINT), "--ignore-checks", *IGNORED_CHECKS, "--", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_cdk_cli_synthesises_offline_as_make_synth_does(tmp_path: Path) -> None:
    env = offline_env(tmp_path, "dev")
    for handed_by_the_cli in ("CDK_OUTDIR", "CDK_CONTEXT_JSON"):
        env.pop(handed_by_the_cli)
    command = [str(ROOT / "node_modules/.bin/cdk"), "synth", "--quiet", "-c", "stage=dev"]
    result = subprocess.run(
        [*command, "--output", str(tmp_path / "cdk.out")],
        cwd=INFRA,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "cdk.out" / "marquee-dev.template.json").is_file()
