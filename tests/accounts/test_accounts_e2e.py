"""Over real HTTP with the pumps running, as ``make dev`` runs: a code reaches the
outbox through SQS and the mailer, and the whole account flow works with it."""

import re
import time
from email import message_from_bytes
from pathlib import Path
from typing import Any

import requests

from chalicelib.core.config import get_settings


def _wait_for_code(outbox: Path, before: set[Path], address: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in sorted(set(outbox.glob("*.eml")) - before, reverse=True):
            message = message_from_bytes(path.read_bytes())
            if message["To"] == address:
                body = message.get_payload(decode=True)
                assert isinstance(body, bytes)
                found = re.search(r"\b(\d{6})\b", body.decode())
                assert found
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError("no code reached the outbox")


def test_sign_up_sign_in_refresh_and_profile_over_http(live_stack: Any) -> None:
    base = live_stack.api_url
    outbox = Path(get_settings().outbox_dir or "")
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    address = "e2e@example.com"

    sent = requests.post(
        f"{base}/auth/codes", json={"email": address, "purpose": "register"}, timeout=10
    )
    assert sent.status_code == 202
    code = _wait_for_code(outbox, before, address)
    registered = requests.post(
        f"{base}/auth/register",
        json={"email": address, "code": code, "username": "e2e", "password": "correct-horse-9"},
        timeout=10,
    )
    assert registered.status_code == 201, registered.text

    signed_in = requests.post(
        f"{base}/auth/login", json={"login": "E2E", "password": "correct-horse-9"}, timeout=10
    )
    assert signed_in.status_code == 200
    tokens = signed_in.json()
    renewed = requests.post(
        f"{base}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=10
    ).json()
    me = requests.get(
        f"{base}/me", headers={"Authorization": f"Bearer {renewed['access_token']}"}, timeout=10
    )
    assert me.status_code == 200 and me.json()["email"] == address
