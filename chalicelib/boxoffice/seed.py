"""Demo data for ``make dev``: the demo ``staff`` account works at every demo cinema."""

from __future__ import annotations

from chalicelib.accounts.rules import LoginKind
from chalicelib.accounts.service import find_user
from chalicelib.boxoffice.staff import cinema_ids_listed, grant
from chalicelib.core.config import get_settings
from chalicelib.core.roles import Role


def seed_demo_staff_grants() -> str:
    if get_settings().stage != "local":
        return "skipped (demo accounts exist only in the local stack)"
    user = find_user(LoginKind.USERNAME, "staff")
    if user is None:
        return "no demo staff account"
    cinemas = cinema_ids_listed()
    if set(user.cinema_ids or ()) == set(cinemas):
        return "demo staff grant already in place"
    grant(user.user_id, [Role(r) for r in user.roles if r != Role.USER.value], cinemas)
    return f"demo staff works at {len(cinemas)} cinemas"
