"""``python -m local.reindex`` (``make reindex``): rebuild the search index of the stack
``make dev`` runs, with ``chalicelib.search.reindex`` pointed at it.

The environment is set before ``chalicelib`` is imported: model classes bind their table
names and endpoint when they are defined.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from local.env import Ports, local_environment
from local.services import ROOT


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the local stack's search index.")
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".local")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    os.environ.update(local_environment(Ports(), args.state_dir.resolve()))
    from chalicelib.search.reindex import main as reindex

    return reindex(["--quiet"] if args.quiet else [])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
