"""Lambda code assets, staged from the working tree without any network access.

- ``dependencies``: the runtime requirements (``requirements.txt`` and their dependency
  closure) copied from the installed virtualenv into a layer's ``python/`` directory.
  The virtualenv is CPython 3.11 on Linux x86_64, the Lambda runtime and architecture
  the stack declares, so its compiled wheels (pydantic-core, argon2) run as they are.
  boto3/botocore come with the Lambda runtime; Chalice ships its own runtime part in the
  API package.
- ``functions``: ``chalicelib`` + ``functions`` for the event-driven Lambdas.
- ``chalice project``: ``app.py`` + ``chalicelib`` + ``.chalice/config.json`` and *no*
  ``requirements.txt``, so ``chalice package`` never calls pip (the layer carries them).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import platform
import re
import shutil
import sys
from pathlib import Path

from packaging.requirements import Requirement

PROJECT_ROOT = Path(__file__).resolve().parents[1]

#: Provided by the Lambda Python runtime (or, for chalice, by the API package itself).
NOT_BUNDLED = frozenset({"boto3", "botocore", "s3transfer", "chalice"})
#: Runtime imports that are optional extras of a requirement: Powertools' Tracer
#: needs the X-Ray SDK once tracing is on, which it is on AWS.
EXTRA_ROOTS = ("aws-xray-sdk",)
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(requirements: Path | None = None) -> list[str]:
    path = requirements or PROJECT_ROOT / "requirements.txt"
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(Requirement(line).name)
    return [*names, *EXTRA_ROOTS]


def dependency_closure(roots: list[str]) -> dict[str, metadata.Distribution]:
    """Installed distributions needed by ``roots``, following their requirements."""
    found: dict[str, metadata.Distribution] = {}
    pending = list(roots)
    while pending:
        name = _canonical(pending.pop())
        if name in found or name in NOT_BUNDLED:
            continue
        dist = metadata.distribution(name)
        found[name] = dist
        for spec in dist.requires or ():
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return dict(sorted(found.items()))


def stage_dependencies(build_dir: Path) -> Path:
    """A layer directory (``python/...``) with the runtime dependencies; reused while the
    installed versions are unchanged."""
    target = build_dir / "dependencies"
    closure = dependency_closure(runtime_requirements())
    fingerprint = hashlib.sha256(
        "\n".join(f"{n}=={d.version}" for n, d in closure.items()).encode()
    ).hexdigest()
    marker = build_dir / "dependencies.sha256"
    if marker.exists() and marker.read_text() == fingerprint and target.is_dir():
        return target
    shutil.rmtree(target, ignore_errors=True)
    site = target / "python"
    for dist in closure.values():
        for file in dist.files or ():
            relative = Path(str(file))
            if ".." in relative.parts or "__pycache__" in relative.parts:
                continue
            if relative.suffix in {".pyc", ".pyo"}:
                continue
            source = Path(str(dist.locate_file(file)))
            if source.is_file():
                destination = site / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)
    marker.write_text(fingerprint)
    return target


def stage_functions(build_dir: Path) -> Path:
    """The code of the event-driven functions: ``functions`` and the ``chalicelib`` they use."""
    target = build_dir / "functions-code"
    shutil.rmtree(target, ignore_errors=True)
    for package in ("chalicelib", "functions"):
        shutil.copytree(PROJECT_ROOT / package, target / package, ignore=_IGNORED)
    return target


def stage_chalice_project(build_dir: Path) -> Path:
    """A Chalice project directory that ``chalice package`` can package offline."""
    target = build_dir / "chalice-project"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(PROJECT_ROOT / "chalicelib", target / "chalicelib", ignore=_IGNORED)
    (target / ".chalice").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / ".chalice" / "config.json", target / ".chalice" / "config.json")
    shutil.copy2(PROJECT_ROOT / "app.py", target / "app.py")
    return target


def python_runtime_matches() -> bool:
    """The staged dependencies suit the declared runtime (Python 3.11, Linux x86_64) only if
    they were installed for the same Python on the same platform."""
    return (
        sys.version_info[:2] == (3, 11)
        and sys.platform == "linux"
        and platform.machine() in {"x86_64", "AMD64"}
    )
