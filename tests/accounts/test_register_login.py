"""Register with an e-mailed code; sign in by username, e-mail or mobile; lockout."""

from typing import Any

from chalicelib.accounts.models import User
from tests.accounts.support import PASSWORD, login, register


def test_register_answers_201_with_the_user_and_a_token_pair(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "Ann@Example.com", "Ann_01")
    assert set(body) >= {"user", "access_token", "refresh_token", "expires_in"}
    assert body["expires_in"] == 900
    user = body["user"]
    assert user["email"] == "ann@example.com"
    assert user["username"] == "Ann_01"
    assert user["roles"] == ["user"]
    assert "password_hash" not in user and "password" not in user
    me = api.as_user(body["access_token"]).get("/me")
    assert me.status == 200 and me.json["user_id"] == user["user_id"]


def test_password_is_stored_as_an_argon2id_hash(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    stored = User.get(body["user"]["user_id"]).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def _try_register(api: Any, mailbox: Any, **changes: str) -> Any:
    email = changes.get("email", "ann@example.com")
    api.post("/auth/codes", json={"email": email, "purpose": "register"})
    body = {"email": email, "username": "ann", "password": PASSWORD}
    body.update(changes)
    body.setdefault("code", mailbox.code_for(email))
    return api.post("/auth/register", json=body)


def test_password_needs_eight_characters(api: Any, mailbox: Any) -> None:
    refused = _try_register(api, mailbox, password="short-1")
    assert refused.status == 422
    assert refused.json["errors"][0]["field"] == "password"


def test_password_may_not_be_all_digits(api: Any, mailbox: Any) -> None:
    assert _try_register(api, mailbox, password="1234567890").status == 422


def test_a_refused_password_does_not_spend_the_code(api: Any, mailbox: Any) -> None:
    assert _try_register(api, mailbox, password="12345678").status == 422
    code = mailbox.code_for("ann@example.com")
    body = {"email": "ann@example.com", "code": code, "username": "ann", "password": PASSWORD}
    assert api.post("/auth/register", json=body).status == 201


def test_username_rules(api: Any, mailbox: Any) -> None:
    assert _try_register(api, mailbox, username="ab").status == 422
    assert _try_register(api, mailbox, username="x" * 31).status == 422
    assert _try_register(api, mailbox, username="has space").status == 422


def test_a_taken_username_is_409_whatever_its_case(api: Any, mailbox: Any) -> None:
    register(api, mailbox, "ann@example.com", "ann")
    taken = _try_register(api, mailbox, email="other@example.com", username="ANN")
    assert taken.status == 409
    assert taken.json["field"] == "username"


def test_login_by_username_email_or_mobile(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    me = api.as_user(body["access_token"])
    assert me.patch("/me", json={"mobile": "+8613800138000"}).status == 200
    for name in ("ann", "ANN", "ann@example.com", "Ann@Example.COM", "+8613800138000"):
        signed_in = login(api, name)
        assert signed_in.status == 200, name
        assert signed_in.json["user"]["user_id"] == body["user"]["user_id"]
        assert signed_in.json["access_token"] and signed_in.json["refresh_token"]


def test_wrong_credentials_are_one_generic_401(api: Any, mailbox: Any) -> None:
    register(api, mailbox, "ann@example.com", "ann")
    wrong_password = login(api, "ann", "not-the-password")
    unknown_user = login(api, "nobody", PASSWORD)
    unknown_email = login(api, "nobody@example.com", PASSWORD)
    assert wrong_password.status == unknown_user.status == unknown_email.status == 401
    assert wrong_password.json["detail"] == unknown_user.json["detail"]
    assert unknown_user.json["detail"] == unknown_email.json["detail"]


def test_five_failures_lock_the_account_for_fifteen_minutes(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    register(api, mailbox, "ann@example.com", "ann")
    for _ in range(5):
        assert login(api, "ann", "wrong-password").status == 401
    locked = login(api, "ann@example.com")  # the right password, by another name
    assert locked.status == 429
    assert locked.header("Retry-After") == "900"
    frozen_clock.advance(minutes=14, seconds=59)
    assert login(api, "ann").status == 429
    frozen_clock.advance(seconds=1)
    assert login(api, "ann").status == 200


def test_failures_older_than_fifteen_minutes_do_not_count(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    register(api, mailbox, "ann@example.com", "ann")
    for _ in range(4):
        login(api, "ann", "wrong-password")
    frozen_clock.advance(minutes=15)
    assert login(api, "ann", "wrong-password").status == 401
    assert login(api, "ann").status == 200


def test_a_successful_login_resets_the_failure_count(api: Any, mailbox: Any) -> None:
    register(api, mailbox, "ann@example.com", "ann")
    for _ in range(4):
        login(api, "ann", "wrong-password")
    assert login(api, "ann").status == 200
    for _ in range(4):
        login(api, "ann", "wrong-password")
    assert login(api, "ann").status == 200


def test_lockout_failures_are_configurable(api: Any, mailbox: Any, settings_env: Any) -> None:
    settings_env(LOGIN_MAX_FAILURES="2")
    register(api, mailbox, "ann@example.com", "ann")
    login(api, "ann", "wrong-password")
    login(api, "ann", "wrong-password")
    assert login(api, "ann").status == 429


def test_an_inactive_user_cannot_sign_in(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    User(body["user"]["user_id"]).update(actions=[User.is_active.set(False)])
    assert login(api, "ann").status == 401


def test_password_reset_sets_the_new_password(api: Any, mailbox: Any, frozen_clock: Any) -> None:
    register(api, mailbox, "ann@example.com", "ann")
    api.post("/auth/codes", json={"email": "ann@example.com", "purpose": "reset_password"})
    code = mailbox.code_for("ann@example.com")
    weak = {"email": "ann@example.com", "code": code, "new_password": "12345678"}
    assert api.post("/auth/password-reset", json=weak).status == 422
    body = {"email": "ann@example.com", "code": code, "new_password": "brand-new-pass"}
    assert api.post("/auth/password-reset", json=body).status == 204
    assert login(api, "ann").status == 401
    assert login(api, "ann", "brand-new-pass").status == 200
