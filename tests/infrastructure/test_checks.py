"""Static checks of the synthesised templates: cdk-nag AwsSolutions (a violation fails the
synth itself, so the session fixture already proves there is none) with a reason for every
acknowledged finding, and cfn-lint (which also expands the SAM part Chalice produced)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

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


def test_cfn_lint_passes_on_the_synthesised_template(synth: Synth) -> None:
    result = subprocess.run(
        [str(CFN_LINT), "--ignore-checks", *IGNORED_CHECKS, "--", str(synth.template_path)],
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
