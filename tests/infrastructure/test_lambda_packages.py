"""What the Lambdas get is enough to run: each handler is imported the way Lambda does it,
in a fresh interpreter without site-packages, from the synthesised assets only (code asset
+ dependencies layer) plus what the Python Lambda runtime provides (boto3 and friends) —
and nothing more: every module it imports comes with its bytecode, and the layer carries
neither the runtime's packages nor ones nothing imports."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.infrastructure.helpers import functions, layers

#: Shipped by the AWS Lambda Python runtime, so not in the layer.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")

IMPORTS = {
    "mailer": "functions.mailer",
    "indexer": "functions.indexer",
    "sweeper": "functions.sweeper",
    "reconciler": "functions.reconciler",
    "api": "app",
}
#: What each one imports later, inside a call (lazy imports keep cold starts short).
LATER = {
    "mailer": "import aws_lambda_powertools.utilities.idempotency",
    "indexer": "import chalicelib.search.opensearch, opensearchpy",
    "sweeper": "m.load_tasks()",
    "reconciler": "import stripe",
    "api": "import stripe, opensearchpy, argon2, jwt",
}
#: Loaded only by the calls that need them, never by importing a handler.
HEAVY = ("stripe", "opensearchpy", "argon2", "cryptography", "jwt", "requests", "sqlite3")
#: Every module imported from the assets has its bytecode there (Lambda cannot write it).
ALL_COMPILED = """
import importlib.util, os
roots = tuple(sys.path[:2])
missing = [
    m.__file__ for m in list(sys.modules.values())
    if getattr(m, '__file__', None) and m.__file__.endswith('.py')
    and m.__file__.startswith(roots)
    and not os.path.exists(importlib.util.cache_from_source(m.__file__))
]
assert not missing, missing
"""


@pytest.fixture(scope="session")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory standing in for the runtime's own packages."""
    target = tmp_path_factory.mktemp("lambda-runtime")
    venv_site = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    for name in RUNTIME_PROVIDED:
        (target / name).symlink_to(venv_site / name)
    return target


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_each_handler_imports_from_its_assets_alone(
    name: str, synth: Any, template: dict[str, Any], lambda_runtime: Path, tmp_path: Path
) -> None:
    fn = functions(template)[f"marquee-{synth.stage}-{name}"]
    (layer,) = layers(template).values()
    layer_key = layer["Properties"]["Content"]["S3Key"]
    layer_dir = synth.outdir / f"asset.{layer_key.removesuffix('.zip')}" / "python"
    if "Code" in fn:
        code_dir = synth.outdir / f"asset.{fn['Code']['S3Key'].removesuffix('.zip')}"
    else:  # the Chalice API: a zip, extracted as Lambda does
        code_dir = tmp_path / "task"
        with zipfile.ZipFile(synth.outdir / f"asset.{fn['CodeUri']['Key']}") as archive:
            archive.extractall(code_dir)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": fn["FunctionName"],  # Powertools: "on Lambda", tracing on
        "STAGE": synth.stage,
        "TABLE_PREFIX": f"marquee-{synth.stage}-",
    }
    path = [str(code_dir), str(layer_dir), str(lambda_runtime)]
    program = (
        f"import sys; sys.path[:0] = {path!r}; import {IMPORTS[name]} as m; "
        f"heavy = [h for h in {HEAVY!r} if h in sys.modules]; assert not heavy, heavy; "
        "from chalicelib.core.observability import tracer; tracer().provider; "
        "assert callable(getattr(m, 'handler', None) or getattr(m, 'app', None)); "
        f"{LATER[name]}\n{ALL_COMPILED}"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", program],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_layer_leaves_out_what_the_runtime_has_and_what_nothing_imports(
    synth: Any, template: dict[str, Any]
) -> None:
    (layer,) = layers(template).values()
    site = synth.outdir / f"asset.{layer['Properties']['Content']['S3Key'].removesuffix('.zip')}"
    top = {p.name for p in (site / "python").iterdir()}
    assert not top & set(RUNTIME_PROVIDED)
    assert not top & {"grpc", "google", "opensearch_protobufs", "pycparser"}
    assert not (site / "python" / "aws_lambda_powertools" / "event_handler").exists()
    assert {"pydantic", "pynamodb", "stripe", "opensearchpy"} <= top
