"""(c) Cold start: a whole new interpreter importing each Lambda's handler module, with the
environment the Lambda runtime sets, against one importing boto3 (the floor every Python
Lambda that talks to AWS pays).

Two ways:
- venv: from ``.venv`` as a developer has it (bytecode cached);
- deployed: from the assets ``make synth`` staged — the code asset and the dependency
  layer, plus boto3 and friends standing in for the runtime's own — with
  ``PYTHONDONTWRITEBYTECODE`` (``/var/task`` and ``/opt`` are read-only on Lambda), so
  whatever the bundle does not ship compiled is compiled again by every cold start.

Samples go round-robin over the modules, so a busy moment hits all of them alike. Each
sample is the process's wall time and its CPU time (user + system): on a machine shared
with other work the CPU time is the steadier of the two.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.env import lambda_environment

#: Lambda -> the module its handler lives in
HANDLERS = {
    "api": "app",
    "mailer": "functions.mailer",
    "indexer": "functions.indexer",
    "sweeper": "functions.sweeper",
    "reconciler": "functions.reconciler",
}
#: loaded only by the routes and records that need them
HEAVY = (
    "stripe",
    "opensearchpy",
    "argon2",
    "cryptography",
    "jwt",
    "requests",
    "sqlite3",
    "aws_xray_sdk",
    "boto3",
)
#: what the Lambda Python runtime provides itself (the layer must not carry them)
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ImportTimes:
    where: str
    module: str
    wall: list[float]
    cpu: list[float]
    loaded: list[str]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


@dataclass
class Place:
    """How to start an interpreter that sees one Lambda's code and dependencies."""

    name: str
    python_args: list[str]
    path: list[str]
    env: dict[str, str]


def _program(module: str, path: list[str], report: bool) -> str:
    head = f"import sys; sys.path[:0] = {path!r}; " if path else "import sys; "
    tail = (
        f"; import json; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
        if report
        else ""
    )
    return f"{head}import {module}{tail}"


def _time(place: Place, module: str, cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one interpreter importing ``module``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *place.python_args, "-c", _program(module, place.path, False)],
        env=place.env,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _loaded(place: Place, module: str, cwd: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, *place.python_args, "-c", _program(module, place.path, True)],
        env=place.env,
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def venv_place() -> Place:
    env = lambda_environment()
    env["PYTHONPATH"] = str(ROOT)
    return Place("venv", [], [], env)


def deployed_places(assets: dict[str, Path], layer: Path, runtime: Path) -> dict[str, Place]:
    """One place per Lambda: its code asset, the layer's ``python/``, the runtime."""
    env = lambda_environment()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    places = {}
    for name, code in assets.items():
        path = [str(code), str(layer / "python"), str(runtime)]
        places[name] = Place("deployed", ["-S"], path, env)
    return places


def runtime_stand_in(target: Path) -> Path:
    """The runtime's own packages (boto3 and friends), linked from the venv."""
    target.mkdir(parents=True, exist_ok=True)
    site = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    for name in RUNTIME_PROVIDED:
        link = target / name
        if not link.exists():
            link.symlink_to(site / name)
    return target


def extract_api(zip_path: Path, target: Path) -> Path:
    """The API's deployment package unpacked as Lambda does."""
    if not target.exists():
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(target)
    return target


def measure(samples: int, deployed: dict[str, Place] | None, workdir: Path) -> list[ImportTimes]:
    venv = venv_place()
    jobs: list[tuple[Place, str]] = [(venv, "boto3")]
    jobs += [(venv, module) for module in HANDLERS.values()]
    if deployed:
        any_place = next(iter(deployed.values()))
        jobs.append((any_place, "boto3"))
        jobs += [(deployed[name], module) for name, module in HANDLERS.items()]
    found: dict[tuple[str, str], list[tuple[float, float]]] = {(p.name, m): [] for p, m in jobs}
    for place, module in jobs:  # warm the page cache once
        _time(place, module, workdir)
    for _ in range(samples):
        for place, module in jobs:
            found[(place.name, module)].append(_time(place, module, workdir))
    return [
        ImportTimes(
            place.name,
            module,
            [wall for wall, _ in found[(place.name, module)]],
            [cpu for _, cpu in found[(place.name, module)]],
            _loaded(place, module, workdir),
        )
        for place, module in jobs
    ]
