"""Conformance fuzzing of every documented operation with every schemathesis check.

Schemathesis generates requests from ``/openapi.json`` (valid and invalid bodies, queries,
headers and path values, boundary cases, then sequences that follow the document's links:
register -> login -> order -> read the order) and sends them over real HTTP to the local
stack, as an admin so that role checks do not stop it at the door. Each answer must have a
documented status, content type, headers and schema; a valid request must be accepted and
an invalid one refused (``tests/api/schemathesis.toml`` lists the rules no schema can
state); nothing may answer 5xx. ``FUZZ_EXAMPLES`` sets the examples per operation and
``FUZZ_PHASES`` the phases: ``make test`` runs a few examples of the random and the stateful
phases, ``make fuzz`` many more and the boundary-value ("coverage") phase too.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.accounts.tokens import issue_access_token
from local.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(4 * 3600)]

CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_every_operation_conforms_to_its_documented_contract(
    live_stack: LocalStack, tmp_path: Path, settings_env: Any
) -> None:
    examples = os.environ.get("FUZZ_EXAMPLES", "4")
    phases = os.environ.get("FUZZ_PHASES", "fuzzing,stateful")
    settings_env(ACCESS_TOKEN_TTL_SECONDS="21600")  # valid however long make fuzz runs
    token = issue_access_token("fuzz-admin", ["user", "staff", "moderator", "admin"])
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_stack.api_url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        examples,
        "--workers",
        "1",
        "--seed",
        "20261122",
        "--continue-on-failure",
        "-H",
        f"Authorization: Bearer {token}",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=3600, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stdout[-12000:]
