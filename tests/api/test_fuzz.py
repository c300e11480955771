"""Property-based fuzzing of every documented operation: no input may cause a 500.

Schemathesis generates requests from ``/openapi.json`` (valid and invalid bodies, queries
and path values) and sends them over real HTTP to the local stack, as an admin so that
role checks do not stop it at the door.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.accounts.tokens import issue_access_token
from local.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_no_generated_request_gets_a_server_error(live_stack: LocalStack, tmp_path: Path) -> None:
    token = issue_access_token("fuzz-admin", ["user", "staff", "moderator", "admin"])
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_stack.api_url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--phases",
        "fuzzing,stateful",
        "--max-examples",
        "8",
        "--workers",
        "1",
        "--seed",
        "20261122",
        "-H",
        f"Authorization: Bearer {token}",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stdout[-6000:]
