"""``python -m local.openapi OUT``: write the app's OpenAPI document to a file, without a
server. The web client generates its API types from it at build time, so a change to a
route's schema shows up in the client as a type error."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m local.openapi OUT.json", file=sys.stderr)
        return 2
    os.environ.setdefault("STAGE", "local")  # settings only; nothing is reached
    from app import app
    from chalicelib.api.openapi import build

    document = json.dumps(build(app), indent=1, ensure_ascii=False, sort_keys=True)
    Path(argv[0]).write_text(document + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
