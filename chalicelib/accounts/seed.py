"""Demo accounts for ``make dev`` (local only: the passwords are printed in the log)."""

from __future__ import annotations

import uuid

from chalicelib.accounts.models import User
from chalicelib.accounts.passwords import hash_password
from chalicelib.accounts.rules import LoginKind
from chalicelib.accounts.service import create_user, find_user
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Conflict
from chalicelib.core.roles import Role
from chalicelib.core.transactions import ConditionFailed, TransactionContended

#: username -> (roles, password). Local, public, demo-only credentials.
DEMO_ACCOUNTS: dict[str, tuple[set[str], str]] = {
    "admin": ({Role.USER.value, Role.ADMIN.value}, "demo-admin-1"),
    "staff": ({Role.USER.value, Role.STAFF.value}, "demo-staff-1"),
    "moderator": ({Role.USER.value, Role.MODERATOR.value}, "demo-moderator-1"),
    "alice": ({Role.USER.value}, "demo-alice-1"),
}


def demo_email(username: str) -> str:
    return f"{username}@marquee.local"


def seed_demo_accounts() -> str:
    """Create the demo accounts that do not exist yet; list their credentials."""
    if get_settings().stage != "local":
        return "skipped (demo accounts exist only in the local stack)"
    created = 0
    for username, (roles, password) in DEMO_ACCOUNTS.items():
        if find_user(LoginKind.USERNAME, username) is not None:
            continue
        user = User(
            uuid.uuid4().hex,
            username=username,
            email=demo_email(username),
            password_hash=hash_password(password),
            nick_name=username.capitalize(),
            roles=roles,
            is_active=True,
            gender="unspecified",
            created_at=clock.now(),
        )
        try:
            create_user(user)
            created += 1
        except (Conflict, ConditionFailed, TransactionContended):
            continue  # created by a concurrent start
    logins = ", ".join(f"{name}/{password}" for name, (_, password) in DEMO_ACCOUNTS.items())
    return f"{created} demo accounts created; log in with {logins}"
