"""Rotating each signing key (JWT, ticket, cursor) with the runbook's tool, against the
Secrets Manager stand-in: nothing valid is refused, during the overlap window or by a
container whose cached ring is older than the token, and nothing the old key signed is
accepted after the window. Another container is another Python process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from chalicelib.accounts.tokens import decode_access_token, issue_access_token
from chalicelib.booking.tickets import read_code, ticket_code
from chalicelib.core.errors import BadRequest, Unauthorized
from chalicelib.core.keys import INITIAL_KID
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.rotate import main, rotate_secret
from chalicelib.core.secrets import refreshed_values
from chalicelib.core.signing import RINGS, Ring, current_key, kid_of
from tests.support.secrets import ring_field

WINDOW_SECONDS = 600
ROOT = Path(__file__).resolve().parents[2]


def make_token(ring: str) -> str:
    if ring == "jwt":
        return issue_access_token("u-rotation", ["user"])
    if ring == "ticket":
        return ticket_code("order-1", "A01", "show-1")
    token = encode_cursor({"pk": {"S": "g"}, "sk": {"S": "w001"}}, "widgets:g")
    assert token
    return token


def accepts(ring: str, token: str) -> bool:
    try:
        if ring == "jwt":
            return decode_access_token(token).user_id == "u-rotation"
        if ring == "ticket":
            return read_code(token) == ("order-1", "A01", "show-1")
        return decode_cursor(token, "widgets:g") == {"pk": {"S": "g"}, "sk": {"S": "w001"}}
    except (Unauthorized, BadRequest):
        return False


def kid(ring: str, token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"]) if ring == "jwt" else kid_of(token)


def from_another_container(ring: str) -> str:
    """A token signed by a fresh process: it reads the ring as it is in Secrets Manager now."""
    script = f"from tests.core.test_rotation import make_token; print(make_token({ring!r}))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=dict(os.environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def rings(own_secrets: Any) -> Any:
    own_secrets.create_rings()
    for ring in RINGS:
        own_secrets.set(f"{ring.upper()}_KEY_OVERLAP_SECONDS", str(WINDOW_SECONDS))
    return own_secrets


@pytest.mark.parametrize("ring", RINGS)
def test_a_rotation_refuses_nothing_valid_and_nothing_stale_outlives_the_window(
    ring: Ring, rings: Any, frozen_clock: Any
) -> None:
    before = make_token(ring)
    assert kid(ring, before) == INITIAL_KID and accepts(ring, before)

    rotated = rotate_secret(ring, rings.ids[ring_field(ring)])
    assert rings.read(ring_field(ring))["kid"] == rotated.current.kid

    # A container that has the new ring signs with the new key; this one still caches
    # the old ring, yet accepts that token (it fetches the ring on meeting the new kid),
    after = from_another_container(ring)
    assert kid(ring, after) == rotated.current.kid
    assert accepts(ring, after)
    # keeps accepting what the old key signed, and signs with the new key from now on.
    assert accepts(ring, before)
    assert kid(ring, make_token(ring)) == rotated.current.kid

    frozen_clock.advance(seconds=WINDOW_SECONDS - 1)
    assert accepts(ring, before) and accepts(ring, after)
    frozen_clock.advance(seconds=1)
    assert not accepts(ring, before)
    assert accepts(ring, after) and accepts(ring, make_token(ring))


@pytest.mark.parametrize("ring", RINGS)
def test_revoking_a_leaked_key_refuses_what_it_signed_at_once(ring: Ring, rings: Any) -> None:
    before = make_token(ring)
    rotate_secret(ring, rings.ids[ring_field(ring)], revoke_previous=True)
    rings.forget()  # the ring's max age has passed
    assert not accepts(ring, before)
    assert accepts(ring, make_token(ring))


def test_secrets_are_fetched_again_after_their_max_age(rings: Any) -> None:
    rings.set("SECRETS_MAX_AGE_SECONDS", "1")
    assert current_key("cursor").kid == INITIAL_KID
    rotated = rotate_secret("cursor", rings.ids[ring_field("cursor")])
    assert current_key("cursor").kid == INITIAL_KID  # served from memory
    time.sleep(1.2)
    assert current_key("cursor").kid == rotated.current.kid


def test_unknown_kids_fetch_the_ring_again_at_most_every_30_seconds(rings: Any) -> None:
    forged = "forged-kid." + make_token("cursor").partition(".")[2]
    assert not accepts("cursor", forged)  # fetched the ring once, then refused
    assert refreshed_values(rings.ids[ring_field("cursor")]) is None  # not again so soon


def test_the_rotation_tool_prints_kids_never_keys(rings: Any, capsys: Any) -> None:
    main(["ticket", "--secret-id", rings.ids[ring_field("ticket")]])
    printed = capsys.readouterr().out
    stored = rings.read(ring_field("ticket"))
    assert stored["kid"] in printed and INITIAL_KID in printed
    assert all(k["secret"] not in printed for k in [stored, *stored["previous"]])
    assert json.dumps(stored["secret"]) not in printed
