"""A client generated from ``/openapi.json`` is typed all the way down.

openapi-typescript (the web client's toolchain, ``web/node_modules``) turns the app's
document into TypeScript, and ``tsc`` checks ``tests/web/client/usage.ts`` against it: the
seat map, a placed and a read order, tickets and a check-in, with a compile-time check that
no part of those answers is ``any`` or ``unknown``. The same check run on a document whose
seat price is left untyped must fail, so the check can see what it is for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from local.services import ROOT

BIN = ROOT / "web" / "node_modules" / ".bin"
USAGE = Path(__file__).parent / "client"


def document() -> dict[str, Any]:
    from app import app
    from chalicelib.api.openapi import build

    return build(app)


def type_check(doc: dict[str, Any], workdir: Path) -> subprocess.CompletedProcess[str]:
    """Generate the types from ``doc`` next to a copy of the usage file and run tsc."""
    if not (BIN / "tsc").exists():
        pytest.fail("web/node_modules is missing: run `make install`")
    for name in ("usage.ts", "tsconfig.json"):
        shutil.copy(USAGE / name, workdir / name)
    (workdir / "openapi.json").write_text(json.dumps(doc), encoding="utf-8")
    subprocess.run(
        [BIN / "openapi-typescript", "openapi.json", "-o", "schema.d.ts"],
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return subprocess.run(
        [BIN / "tsc", "-p", "tsconfig.json"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_generated_client_types_the_seat_map_orders_and_tickets(tmp_path: Path) -> None:
    result = type_check(document(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_untyped_field_fails_the_check(tmp_path: Path) -> None:
    doc = document()
    doc["components"]["schemas"]["SeatOut"]["properties"]["price"] = {}
    result = type_check(doc, tmp_path)
    assert result.returncode != 0
    assert "usage.ts" in result.stdout
