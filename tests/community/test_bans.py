"""Bans: moderators ban and unban; the target must exist; nobody bans themself."""

from __future__ import annotations

from chalicelib.accounts.models import User
from chalicelib.community.bans import is_banned


def test_only_moderators_ban(api, as_user, make_user) -> None:
    target = make_user("target")
    assert api.post(f"/users/{target}/ban").status == 401
    assert as_user("bob").post(f"/users/{target}/ban").status == 403
    assert as_user("bob", "staff").post(f"/users/{target}/ban").status == 403
    assert as_user("bob").delete(f"/users/{target}/ban").status == 403
    assert not is_banned(target)
    assert as_user("boss", "admin").post(f"/users/{target}/ban").status == 200
    assert is_banned(target)


def test_a_ban_is_idempotent_and_keeps_the_first_record(as_user, make_user) -> None:
    target = make_user("target")
    first = as_user("mod1", "moderator").post(f"/users/{target}/ban", json={"reason": "spam"})
    assert first.status == 200
    assert first.json["banned_by"] == "mod1" and first.json["reason"] == "spam"
    again = as_user("mod2", "moderator").post(f"/users/{target}/ban", json={})
    assert again.json == first.json


def test_unbanning_lifts_the_ban_and_is_idempotent(as_user, make_user) -> None:
    target = make_user("target")
    mod = as_user("mod", "moderator")
    mod.post(f"/users/{target}/ban")
    assert mod.delete(f"/users/{target}/ban").status == 204
    assert mod.delete(f"/users/{target}/ban").status == 204
    assert not is_banned(target)


def test_unknown_users_and_oneself_cannot_be_banned(as_user, make_user) -> None:
    mod_id = make_user("mod")
    mod = as_user(mod_id, "moderator")
    assert mod.post("/users/u-nope/ban").status == 404
    assert mod.post(f"/users/{mod_id}/ban").status == 409
    assert mod.post(f"/users/{mod_id}/ban", json={"reason": "x" * 501}).status == 422


def test_only_an_admin_bans_a_moderator_or_an_admin(as_user, make_user) -> None:
    colleague = make_user("colleague")
    User(colleague).update(actions=[User.roles.set({"user", "moderator"})])
    boss = make_user("boss")
    User(boss).update(actions=[User.roles.set({"user", "admin"})])
    mod = as_user("mod", "moderator")
    assert mod.post(f"/users/{colleague}/ban").status == 403
    assert mod.post(f"/users/{boss}/ban").status == 403
    assert as_user("root", "admin").post(f"/users/{colleague}/ban").status == 200
    assert is_banned(colleague) and not is_banned(boss)
