"""Lambda code assets, staged from the working tree without any network access.

- ``dependencies``: the runtime requirements (``requirements.txt`` and their dependency
  closure) copied from the installed virtualenv into a layer's ``python/`` directory.
  The virtualenv is CPython 3.11 on Linux x86_64, the Lambda runtime and architecture
  the stack declares, so its compiled wheels (pydantic-core, argon2) run as they are.
  What the Lambda runtime already has (boto3, botocore and their urllib3, dateutil,
  jmespath, six) is left out: a copy in the layer would come first on ``sys.path`` and
  shadow the runtime's. So is what a requirement declares but nothing runs (``UNUSED``).
  Chalice ships its own runtime part in the API package.
- ``functions``: ``chalicelib`` + ``functions`` for the event-driven Lambdas.
- ``chalice project``: ``app.py`` + ``chalicelib`` + ``.chalice/config.json`` and *no*
  ``requirements.txt``, so ``chalice package`` never calls pip (the layer carries them).

Bytecode ships with the code, compiled here: ``/var/task`` and ``/opt`` are read-only on
Lambda, so a module without its ``.pyc`` is compiled again by every cold start. Our code
is compiled whole (``compile_tree``, ``compile_zip`` for the API's package); the layer
only where it matters, for the modules the Lambdas import (``imported_from``: the handler
modules and what they load on first use, ``LAZY_IMPORTS``), which keeps it small: most
of stripe, for one, is never imported. The bytecode is "unchecked-hash": the interpreter
trusts it without comparing the source's timestamp, which a zip does not keep exactly.
"""

from __future__ import annotations

import compileall
import hashlib
import importlib.metadata as metadata
import importlib.util
import json
import os
import platform
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

PROJECT_ROOT = Path(__file__).resolve().parents[1]

#: Provided by the Lambda Python runtime (or, for chalice, by the API package itself).
NOT_BUNDLED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six", "chalice"}
)
#: Declared by a requirement, imported by nothing we run: opensearch-py 3.2 requires
#: opensearch-protobufs (and with it grpcio and protobuf, 7 MB zipped) for a gRPC
#: transport, our adapter speaks HTTP (``tests/infrastructure`` imports it without them);
#: cffi needs pycparser only to build bindings, and argon2's come built.
UNUSED = frozenset({"opensearch-protobufs", "pycparser"})
#: Parts of a requirement that nothing imports: Powertools' own HTTP router, with a
#: 1.7 MB Swagger UI (Chalice routes our API; ``chalicelib/api/meta.py`` serves our docs).
UNUSED_PARTS = ("aws_lambda_powertools/event_handler/",)
#: The modules Lambda imports (the API's and each function's handler module).
HANDLER_MODULES = (
    "app",
    "functions.mailer",
    "functions.indexer",
    "functions.sweeper",
    "functions.reconciler",
)
#: What they import later, inside a call (tests/infrastructure checks each is there).
LAZY_IMPORTS = (
    "stripe",  # payments
    "chalicelib.search.opensearch",
    "opensearchpy",  # search
    "argon2",  # passwords
    "jwt",  # tokens
    "aws_lambda_powertools.utilities.idempotency",  # orders, mailer
    "aws_lambda_powertools.utilities.idempotency.persistence.dynamodb",
    "aws_xray_sdk.core",  # the Tracer, on Lambda with tracing on
    "aws_xray_sdk.ext.botocore.patch",
    "aws_xray_sdk.ext.httplib.patch",
)
#: Where Lambda puts the function's code and the layer's ``python/`` directory.
TASK_ROOT = "/var/task"
LAYER_ROOT = "/opt/python"
#: Bumped when what is staged changes in a way the installed versions do not show.
_STAGING_FORMAT = "4: runtime packages, unused parts, stubs and install records left out"
#: Runtime imports that are optional extras of a requirement: Powertools' Tracer
#: needs the X-Ray SDK once tracing is on, which it is on AWS.
EXTRA_ROOTS = ("aws-xray-sdk",)
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
#: Installed files that nothing reads at run time: pip's records, type stubs, C sources.
_NOT_RUNTIME_NAMES = frozenset({"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "py.typed"})
_NOT_RUNTIME_SUFFIXES = frozenset({".pyc", ".pyo", ".pyi", ".c", ".h", ".pyx", ".pxd"})


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
        if name in found or name in NOT_BUNDLED or name in UNUSED:
            continue
        dist = metadata.distribution(name)
        found[name] = dist
        for spec in dist.requires or ():
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return dict(sorted(found.items()))


def stage_dependencies(build_dir: Path) -> Path:
    """A layer directory (``python/...``) with the runtime dependencies (copied again only
    when the installed versions change) and the bytecode of the modules the Lambdas use."""
    target = build_dir / "dependencies"
    closure = dependency_closure(runtime_requirements())
    fingerprint = hashlib.sha256(
        "\n".join([_STAGING_FORMAT, *(f"{n}=={d.version}" for n, d in closure.items())]).encode()
    ).hexdigest()
    marker = build_dir / "dependencies.sha256"
    site = target / "python"
    if not (marker.exists() and marker.read_text() == fingerprint and target.is_dir()):
        shutil.rmtree(target, ignore_errors=True)
        for dist in closure.values():
            for file in dist.files or ():
                relative = Path(str(file))
                if ".." in relative.parts or "__pycache__" in relative.parts:
                    continue
                if relative.suffix in _NOT_RUNTIME_SUFFIXES or relative.name in _NOT_RUNTIME_NAMES:
                    continue
                if relative.parts[0].endswith("-stubs"):
                    continue
                if relative.as_posix().startswith(UNUSED_PARTS):
                    continue
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    destination = site / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, destination)
        marker.write_text(fingerprint)
    for cache in list(site.rglob("__pycache__")):
        shutil.rmtree(cache)
    for module in sorted(imported_from(site)):
        compile_module(module, site, LAYER_ROOT)
    return target


def imported_from(site: Path) -> set[Path]:
    """The modules under ``site`` that the handler modules and ``LAZY_IMPORTS`` import, in
    a fresh interpreter that sees our code, then ``site``, then what the Lambda runtime
    provides (from this virtualenv, which also stands in for the API package's chalice)."""
    runtime = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    program = (
        "import importlib, json, sys\n"
        f"sys.path[:0] = [{str(PROJECT_ROOT)!r}, {str(site)!r}]\n"
        f"sys.path.append({str(runtime)!r})\n"
        f"for name in {HANDLER_MODULES + LAZY_IMPORTS!r}:\n"
        "    importlib.import_module(name)\n"
        "files = [getattr(m, '__file__', None) for m in list(sys.modules.values())]\n"
        "print(json.dumps([f for f in files if f]))\n"
    )
    found = subprocess.run(
        [sys.executable, "-S", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    root = site.resolve()
    files = (Path(f).resolve() for f in json.loads(found.stdout.strip().splitlines()[-1]))
    return {f for f in files if f.suffix == ".py" and f.is_relative_to(root)}


def stage_functions(build_dir: Path) -> Path:
    """The code of the event-driven functions: ``functions`` and the ``chalicelib`` they use."""
    target = build_dir / "functions-code"
    shutil.rmtree(target, ignore_errors=True)
    for package in ("chalicelib", "functions"):
        shutil.copytree(PROJECT_ROOT / package, target / package, ignore=_IGNORED)
    compile_tree(target, TASK_ROOT)
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


def compile_tree(directory: Path, deployed_at: str) -> None:
    """Write the bytecode of every module under ``directory`` next to it (``__pycache__``),
    recording ``deployed_at`` as where the sources will be."""
    compileall.compile_dir(
        directory,
        ddir=deployed_at,
        quiet=2,  # a stray file that is not Python 3.11 (a package's test data) stays as is
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def compile_module(source: Path, tree: Path, deployed_at: str) -> None:
    """The bytecode of one module of ``tree`` (``compile_tree`` for a chosen few)."""
    py_compile.compile(
        str(source),
        cfile=importlib.util.cache_from_source(str(source)),
        dfile=f"{deployed_at}/{source.relative_to(tree).as_posix()}",
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def compile_zip(path: Path, deployed_at: str = TASK_ROOT) -> None:
    """``compile_tree`` for a Lambda zip, rewritten in place with fixed timestamps (so the
    same code always makes the same zip, and the same asset hash)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with zipfile.ZipFile(path) as archive:
            modes = {info.filename: info.external_attr for info in archive.infolist()}
            archive.extractall(root)
        compile_tree(root, deployed_at)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(p for p in root.rglob("*") if p.is_file()):
                name = file.relative_to(root).as_posix()
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = modes.get(name, 0o100644 << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, file.read_bytes())


def python_runtime_matches() -> bool:
    """The staged dependencies suit the declared runtime (Python 3.11, Linux x86_64) only if
    they were installed for the same Python on the same platform."""
    return (
        sys.version_info[:2] == (3, 11)
        and sys.platform == "linux"
        and platform.machine() in {"x86_64", "AMD64"}
    )
