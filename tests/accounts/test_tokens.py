"""Access and refresh tokens: pinned algorithm, expiry, type, rotation, revocation."""

import base64
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.core.signing import current_key
from tests.accounts.support import login, register

SECRET_CLAIMS = {"sub": "u1", "roles": ["admin"], "iat": 1, "jti": "x", "typ": "access"}


def _claims(exp_in: int = 600) -> dict[str, Any]:
    from chalicelib.core import clock

    return {**SECRET_CLAIMS, "exp": clock.epoch_seconds() + exp_in}


def _me(api: Any, token: str) -> int:
    return int(api.as_user(token).get("/me").status)


def _refresh(api: Any, token: str) -> Any:
    return api.post("/auth/refresh", json={"refresh_token": token})


def test_a_tampered_access_token_is_401(api: Any, mailbox: Any) -> None:
    token = register(api, mailbox, "ann@example.com", "ann")["access_token"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _me(api, f"{header}.{forged}.{signature}") == 401
    assert _me(api, token[:-2] + ("AA" if not token.endswith("AA") else "BB")) == 401


def test_an_access_token_expires_after_fifteen_minutes(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    token = register(api, mailbox, "ann@example.com", "ann")["access_token"]
    frozen_clock.advance(minutes=14, seconds=59)
    assert _me(api, token) == 200
    frozen_clock.advance(seconds=1)
    assert _me(api, token) == 401


def _kid() -> dict[str, str]:
    return {"kid": current_key("jwt").kid}


def test_an_unsigned_token_is_refused(api: Any) -> None:
    unsigned = jwt.encode(_claims(), key=None, algorithm="none", headers=_kid())
    assert _me(api, unsigned) == 401


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_token_signed_with_another_algorithm_is_refused(api: Any) -> None:
    secret = current_key("jwt").secret
    assert _me(api, jwt.encode(_claims(), secret, algorithm="HS512", headers=_kid())) == 401
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert _me(api, jwt.encode(_claims(), pem, algorithm="RS256", headers=_kid())) == 401
    assert _me(api, jwt.encode(_claims(), secret, algorithm="HS256", headers=_kid())) != 401


def test_a_token_signed_with_another_key_is_refused(api: Any) -> None:
    guessed = "guessed-key-" * 4
    assert _me(api, jwt.encode(_claims(), guessed, algorithm="HS256", headers=_kid())) == 401
    assert _me(api, jwt.encode(_claims(), guessed, algorithm="HS256")) == 401  # no kid


def test_a_token_without_a_known_kid_is_refused(api: Any) -> None:
    secret = current_key("jwt").secret  # even the right key: the kid must name it
    assert _me(api, jwt.encode(_claims(), secret, algorithm="HS256")) == 401
    accepted = jwt.encode(_claims(), secret, algorithm="HS256", headers=_kid())
    assert _me(api, accepted) != 401  # the user does not exist, but the token is good
    forged_kid = {"kid": "no-such-kid"}
    assert _me(api, jwt.encode(_claims(), secret, algorithm="HS256", headers=forged_kid)) == 401


def test_an_access_token_is_not_a_refresh_token(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    assert _refresh(api, body["access_token"]).status == 401


def test_a_refresh_token_is_not_an_access_token(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    assert _me(api, body["refresh_token"]) == 401


def test_refresh_rotates_the_pair(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    renewed = _refresh(api, body["refresh_token"])
    assert renewed.status == 200
    assert renewed.json["refresh_token"] != body["refresh_token"]
    assert _me(api, renewed.json["access_token"]) == 200
    assert _refresh(api, renewed.json["refresh_token"]).status == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    other_session = login(api, "ann").json["refresh_token"]
    first = body["refresh_token"]
    second = _refresh(api, first).json["refresh_token"]
    stolen_reuse = _refresh(api, first)
    assert stolen_reuse.status == 401
    assert _refresh(api, second).status == 401  # the legitimate holder is signed out too
    assert _refresh(api, other_session).status == 200  # another session is untouched


def test_a_refresh_token_expires_after_fourteen_days(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    frozen_clock.advance(days=13, hours=23)
    renewed = _refresh(api, body["refresh_token"])
    assert renewed.status == 200
    frozen_clock.advance(days=14)
    assert _refresh(api, renewed.json["refresh_token"]).status == 401


def test_logout_revokes_the_session(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    me = api.as_user(body["access_token"])
    renewed = _refresh(api, body["refresh_token"]).json
    assert me.post("/auth/logout", json={"refresh_token": renewed["refresh_token"]}).status == 204
    assert _refresh(api, renewed["refresh_token"]).status == 401


def test_logout_needs_a_signed_in_owner(api: Any, mailbox: Any) -> None:
    ann = register(api, mailbox, "ann@example.com", "ann")
    bob = register(api, mailbox, "bob@example.com", "bob")
    payload = {"refresh_token": ann["refresh_token"]}
    assert api.post("/auth/logout", json=payload).status == 401
    assert api.as_user(bob["access_token"]).post("/auth/logout", json=payload).status == 403
    assert _refresh(api, ann["refresh_token"]).status == 200


def test_password_reset_revokes_every_session(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    sessions = [body["refresh_token"], login(api, "ann").json["refresh_token"]]
    api.post("/auth/codes", json={"email": "ann@example.com", "purpose": "reset_password"})
    code = mailbox.code_for("ann@example.com")
    reset = {"email": "ann@example.com", "code": code, "new_password": "brand-new-pass"}
    assert api.post("/auth/password-reset", json=reset).status == 204
    for token in sessions:
        assert _refresh(api, token).status == 401
    fresh = login(api, "ann", "brand-new-pass").json["refresh_token"]
    assert _refresh(api, fresh).status == 200


def test_a_refreshed_access_token_carries_the_current_roles(api: Any, mailbox: Any) -> None:
    body = register(api, mailbox, "ann@example.com", "ann")
    admin = api.as_user(issue_access_token("root", ["admin"]))
    user_id = body["user"]["user_id"]
    assert admin.post(f"/users/{user_id}/roles", json={"roles": ["staff"]}).status == 200
    renewed = _refresh(api, body["refresh_token"]).json
    claims = jwt.decode(renewed["access_token"], options={"verify_signature": False})
    assert claims["roles"] == ["staff", "user"]
    assert claims["typ"] == "access" and {"sub", "iat", "exp", "jti"} <= set(claims)
    assert jwt.get_unverified_header(renewed["access_token"])["kid"] == current_key("jwt").kid


def test_garbage_refresh_tokens_are_401(api: Any) -> None:
    assert _refresh(api, "not-a-jwt").status == 401
    assert api.post("/auth/refresh", json={}).status == 422


def test_a_token_issued_after_the_clock_moved_forward_is_valid(frozen_clock) -> None:
    from chalicelib.accounts.tokens import decode_access_token, issue_access_token

    frozen_clock.advance(hours=2)
    assert decode_access_token(issue_access_token("u-later", ["user"])).user_id == "u-later"


def test_a_token_issued_in_the_future_is_refused(frozen_clock) -> None:
    from chalicelib.accounts.tokens import decode_access_token, issue_access_token
    from chalicelib.core.errors import Unauthorized

    frozen_clock.advance(hours=1)
    token = issue_access_token("u-future", ["user"])
    frozen_clock.advance(hours=-1)
    with pytest.raises(Unauthorized):
        decode_access_token(token)
