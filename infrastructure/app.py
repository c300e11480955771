"""CDK entry point, run by the CDK CLI from this directory (see ``cdk.json``):
``make synth STAGE=prod``, ``make deploy STAGE=dev``."""

import sys
from pathlib import Path

# Import from the project root (chalicelib, local, infrastructure), never from this folder.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from infrastructure.build import main  # noqa: E402

if __name__ == "__main__":
    main()
