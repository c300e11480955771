"""The sweeper removes dead codes and revoked/expired sessions that TTL has not removed."""

from datetime import timedelta
from typing import Any

from chalicelib.accounts.models import RefreshToken, TokenFamily, VerificationCode
from chalicelib.core import clock
from functions.sweeper import TASKS, run_sweeps
from tests.accounts.support import login, register


def test_the_accounts_tasks_are_registered() -> None:
    assert "chalicelib.accounts.sweeps:sweep_codes" in TASKS
    assert "chalicelib.accounts.sweeps:sweep_sessions" in TASKS


def test_dead_codes_are_removed_and_live_ones_kept(api: Any, mailbox: Any) -> None:
    for address in ("used@example.com", "live@example.com", "old@example.com"):
        api.post("/auth/codes", json={"email": address, "purpose": "register"})
    register_body = {
        "email": "used@example.com",
        "code": mailbox.code_for("used@example.com"),
        "username": "used",
        "password": "correct-horse-9",
    }
    assert api.post("/auth/register", json=register_body).status == 201
    now = clock.now()
    # Within the resend gap even a used code stays: it is what enforces the gap.
    assert run_sweeps(now + timedelta(seconds=30))["chalicelib.accounts.sweeps:sweep_codes"] == 0
    results = run_sweeps(now + timedelta(seconds=61))
    assert results["chalicelib.accounts.sweeps:sweep_codes"] == 1
    assert {c.key for c in VerificationCode.scan()} == {
        "register#live@example.com",
        "register#old@example.com",
    }
    run_sweeps(now + timedelta(minutes=5, seconds=1))
    assert list(VerificationCode.scan()) == []


def test_revoked_and_expired_sessions_are_removed(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    kept = login(api, "ann").json["refresh_token"]
    rotated = api.post("/auth/refresh", json={"refresh_token": body["refresh_token"]}).json
    api.post("/auth/refresh", json={"refresh_token": body["refresh_token"]})  # reuse: revoked
    assert api.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status == 401

    removed = run_sweeps(clock.now())["chalicelib.accounts.sweeps:sweep_sessions"]
    assert removed == 3  # two tokens and the family of the revoked session
    assert [t.status for t in RefreshToken.scan()] == ["active"]
    assert api.post("/auth/refresh", json={"refresh_token": kept}).status == 200

    later = clock.now() + timedelta(days=15)
    run_sweeps(later)
    assert list(RefreshToken.scan()) == [] and list(TokenFamily.scan()) == []
