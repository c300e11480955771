"""Roles: only an admin grants them; everyone keeps ``user``; routes require a role."""

from typing import Any

import pytest

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.core.roles import Role, has_role
from tests.accounts.support import register


@pytest.fixture
def ann_id(api: Any, mailbox: Any) -> str:
    return str(register(api, mailbox, "ann@example.com", "ann")["user"]["user_id"])


def test_an_admin_grants_roles(api: Any, ann_id: str) -> None:
    admin = api.as_user(issue_access_token("root", ["admin"]))
    granted = admin.post(f"/users/{ann_id}/roles", json={"roles": ["staff", "moderator"]})
    assert granted.status == 200
    assert granted.json["roles"] == ["moderator", "staff", "user"]
    revoked = admin.post(f"/users/{ann_id}/roles", json={"roles": []})
    assert revoked.json["roles"] == ["user"]


@pytest.mark.parametrize("roles", [["user"], ["staff"], ["moderator"]])
def test_only_an_admin_grants_roles(api: Any, ann_id: str, roles: list[str]) -> None:
    caller = api.as_user(issue_access_token("someone", roles))
    assert caller.post(f"/users/{ann_id}/roles", json={"roles": ["admin"]}).status == 403


def test_granting_roles_needs_a_signed_in_admin(api: Any, ann_id: str) -> None:
    assert api.post(f"/users/{ann_id}/roles", json={"roles": ["staff"]}).status == 401


def test_granting_roles_to_an_unknown_user_is_404(api: Any) -> None:
    admin = api.as_user(issue_access_token("root", ["admin"]))
    assert admin.post("/users/nobody/roles", json={"roles": ["staff"]}).status == 404


def test_an_unknown_role_is_422(api: Any, ann_id: str) -> None:
    admin = api.as_user(issue_access_token("root", ["admin"]))
    assert admin.post(f"/users/{ann_id}/roles", json={"roles": ["owner"]}).status == 422


def test_an_admin_passes_every_role_check() -> None:
    for role in Role:
        assert has_role(frozenset({"admin"}), role)
    assert not has_role(frozenset({"staff"}), Role.MODERATOR)
    assert has_role(frozenset(), Role.USER)
