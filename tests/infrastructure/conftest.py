"""The CDK app is synthesised once per session, for both stages, each in its own
process: ``python infrastructure/app.py`` with the context and output directory the CDK CLI
would pass. A fresh process sets the target stage's environment before ``chalicelib`` is
imported (this session imported the models with the test prefix), and needs no AWS
account, credentials or network.

These tests read templates only, so they replace the suite's per-test cleanup of the local
services (which would start DynamoDB Local for nothing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infrastructure"
STAGES = ("dev", "prod")


@dataclass(frozen=True)
class Synth:
    stage: str
    outdir: Path

    @property
    def template_path(self) -> Path:
        return self.outdir / f"marquee-{self.stage}.template.json"

    @property
    def template(self) -> dict[str, Any]:
        return json.loads(self.template_path.read_text())

    @property
    def account_template_path(self) -> Path:
        """The stack of API Gateway's account settings, which every stage depends on."""
        return self.outdir / "marquee-apigateway-account.template.json"


#: What an operator passes to synthesise prod (cdk.json names no real addresses): someone
#: to alarm, and a sender SES can verify.
PROD_CONTEXT = {
    "alarmEmail": "oncall@ops.marquee-cinema.com",
    "emailSender": "no-reply@marquee-cinema.com",
}


def cli_context(stage: str) -> dict[str, Any]:
    """What the CDK CLI passes: cdk.json's context plus ``-c stage=...`` (and for prod,
    the ``-c`` values it cannot do without)."""
    context = dict(json.loads((INFRA / "cdk.json").read_text())["context"])
    context["stage"] = stage
    if stage == "prod":
        context.update(PROD_CONTEXT)
    return context


def offline_env(outdir: Path, stage: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_DEFAULT_"))}
    env.update(
        CDK_OUTDIR=str(outdir),
        CDK_CONTEXT_JSON=json.dumps(cli_context(stage)),
        # No credentials and no reachable endpoint: a lookup or upload would fail loudly.
        AWS_ACCESS_KEY_ID="",
        AWS_SECRET_ACCESS_KEY="",
        AWS_EC2_METADATA_DISABLED="true",
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        PIP_NO_INDEX="1",
    )
    return env


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The first test here waits for both synths (a minute or two on a busy machine)."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.timeout(900))


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    yield


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    """Both stages, synthesised concurrently."""
    running = {}
    for stage in STAGES:
        outdir = tmp_path_factory.mktemp(f"cdk-{stage}")
        process = subprocess.Popen(
            [sys.executable, str(INFRA / "app.py")],
            cwd=INFRA,
            env=offline_env(outdir, stage),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        running[stage] = (process, outdir)
    synths = {}
    for stage, (process, outdir) in running.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, f"synth of {stage} failed:\n{output[-6000:]}"
        synths[stage] = Synth(stage, outdir)
    return synths


@pytest.fixture(scope="session", params=STAGES)
def synth(request: pytest.FixtureRequest, synths: dict[str, Synth]) -> Synth:
    return synths[request.param]


@pytest.fixture(scope="session")
def template(synth: Synth) -> dict[str, Any]:
    return synth.template
