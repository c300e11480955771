"""Demo accounts for ``make dev``: every role, idempotent, able to sign in."""

from typing import Any

from chalicelib.accounts.models import User
from chalicelib.accounts.seed import DEMO_ACCOUNTS, seed_demo_accounts
from local.seed import SEEDERS
from tests.accounts.support import login


def test_demo_accounts_are_seeded_once_and_can_sign_in(api: Any) -> None:
    assert "chalicelib.accounts.seed:seed_demo_accounts" in SEEDERS
    summary = seed_demo_accounts()
    assert summary.startswith("4 demo accounts created")
    assert seed_demo_accounts().startswith("0 demo accounts created")
    assert User.count() == 4
    for username, (roles, password) in DEMO_ACCOUNTS.items():
        assert f"{username}/{password}" in summary
        signed_in = login(api, username, password)
        assert signed_in.status == 200
        assert set(signed_in.json["user"]["roles"]) == roles
    assert {r for roles, _ in DEMO_ACCOUNTS.values() for r in roles} == {
        "user",
        "admin",
        "staff",
        "moderator",
    }
