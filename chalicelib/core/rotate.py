"""Rotate a signing-key ring in Secrets Manager (the README's rotation runbook runs this).

    python -m chalicelib.core.rotate jwt --secret-id marquee/prod/jwt
    python -m chalicelib.core.rotate ticket --secret-id marquee/prod/ticket --revoke-previous

A new current key is generated; the old one is retired and keeps verifying for the ring's
overlap window (``*_KEY_OVERLAP_SECONDS``); keys past their window are dropped. Every
container picks the new ring up within ``SECRETS_MAX_AGE_SECONDS``, and a container that
meets the new kid earlier fetches the ring at once, so no valid token is refused.
``--revoke-previous`` (a leaked key) drops every old key at once instead. Prints kids,
never key material.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from chalicelib.core import clock
from chalicelib.core.aws import client
from chalicelib.core.keys import Keyring, rotate
from chalicelib.core.signing import RINGS, Ring, overlap


def rotate_secret(
    ring: Ring, secret_id: str, *, revoke_previous: bool = False, now: datetime | None = None
) -> Keyring:
    """Read the ring in ``secret_id``, rotate it and store it as the secret's new version."""
    secretsmanager = client("secretsmanager")
    stored = secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]
    rotated = rotate(
        Keyring.parse(json.loads(stored)),
        now or clock.now(),
        overlap(ring),
        revoke_previous=revoke_previous,
    )
    secretsmanager.put_secret_value(SecretId=secret_id, SecretString=json.dumps(rotated.to_json()))
    return rotated


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.core.rotate", description=__doc__)
    parser.add_argument("ring", choices=RINGS)
    parser.add_argument("--secret-id", required=True, help="e.g. marquee/prod/jwt")
    parser.add_argument(
        "--revoke-previous",
        action="store_true",
        help="a key leaked: refuse everything the old keys signed, now",
    )
    args = parser.parse_args(argv)
    rotated = rotate_secret(args.ring, args.secret_id, revoke_previous=args.revoke_previous)
    print(f"{args.ring}: signing with {rotated.current.kid}")
    for key in rotated.previous:
        assert key.retired_at is not None  # every previous key is retired
        print(f"  {key.kid} verifies until {key.retired_at + overlap(args.ring)}")


if __name__ == "__main__":
    main()
