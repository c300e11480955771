"""Verification codes: 6 digits by e-mail, 5 min, 60 s resend gap, newest-only,
single use, 5 wrong tries, stored hashed."""

from typing import Any

from chalicelib.accounts.models import VerificationCode
from chalicelib.core.signing import current_key
from tests.accounts.support import PASSWORD, register

EMAIL = "ann@example.com"


def _ask(api: Any, email: str = EMAIL, purpose: str = "register") -> Any:
    return api.post("/auth/codes", json={"email": email, "purpose": purpose})


def _register(api: Any, code: str, email: str = EMAIL, username: str = "ann") -> Any:
    return api.post(
        "/auth/register",
        json={"email": email, "code": code, "username": username, "password": PASSWORD},
    )


def test_register_code_is_emailed_as_six_digits_and_never_in_the_response(
    api: Any, mailbox: Any
) -> None:
    sent = _ask(api, "Ann@Example.com")
    assert sent.status == 202
    code = mailbox.code_for(EMAIL)
    assert len(code) == 6 and code.isdigit()
    assert code not in sent.text
    [message] = mailbox.messages(EMAIL)
    assert message["X-Marquee-Kind"] == "verification_code"


def test_codes_are_stored_hashed(api: Any, mailbox: Any) -> None:
    _ask(api)
    code = mailbox.code_for(EMAIL)
    [item] = list(VerificationCode.scan())
    stored = item.attribute_values
    assert all(code not in str(value) for value in stored.values())
    kid, _, digest = item.code_hash.partition(".")
    assert kid == current_key("jwt").kid and len(digest) == 43  # HMAC-SHA256, base64url


def test_register_code_for_an_existing_email_is_409_and_nothing_is_sent(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    register(api, mailbox, EMAIL, "ann")
    frozen_clock.advance(seconds=61)
    again = _ask(api, "ANN@example.com")
    assert again.status == 409
    assert len(mailbox.messages(EMAIL)) == 1


def test_a_second_code_within_60_seconds_is_429_with_retry_after(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    assert _ask(api).status == 202
    frozen_clock.advance(seconds=20)
    refused = _ask(api)
    assert refused.status == 429
    assert refused.header("Retry-After") == "40"
    frozen_clock.advance(seconds=40)
    assert _ask(api).status == 202
    assert len(mailbox.messages(EMAIL)) == 2


def test_only_the_newest_code_is_valid(api: Any, mailbox: Any, frozen_clock: Any) -> None:
    _ask(api)
    first = mailbox.code_for(EMAIL)
    frozen_clock.advance(seconds=61)
    _ask(api)
    second = mailbox.code_for(EMAIL)
    if first != second:
        assert _register(api, first).status == 422
    assert _register(api, second).status == 201


def test_a_code_expires_after_five_minutes(api: Any, mailbox: Any, frozen_clock: Any) -> None:
    _ask(api)
    code = mailbox.code_for(EMAIL)
    frozen_clock.advance(minutes=5)
    expired = _register(api, code)
    assert expired.status == 422
    assert expired.json["errors"][0]["field"] == "code"


def test_a_code_still_works_just_before_five_minutes(
    api: Any, mailbox: Any, frozen_clock: Any
) -> None:
    _ask(api)
    code = mailbox.code_for(EMAIL)
    frozen_clock.advance(minutes=4, seconds=59)
    assert _register(api, code).status == 201


def test_a_code_is_single_use(api: Any, mailbox: Any) -> None:
    register(api, mailbox, EMAIL, "ann")
    _ask(api, purpose="reset_password")
    code = mailbox.code_for(EMAIL)
    body = {"email": EMAIL, "code": code, "new_password": "another-pass-1"}
    assert api.post("/auth/password-reset", json=body).status == 204
    body["new_password"] = "third-pass-22"
    assert api.post("/auth/password-reset", json=body).status == 422


def test_five_wrong_tries_kill_the_code(api: Any, mailbox: Any) -> None:
    _ask(api)
    code = mailbox.code_for(EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert _register(api, wrong).status == 422
    assert _register(api, code).status == 422


def test_four_wrong_tries_leave_the_code_usable(api: Any, mailbox: Any) -> None:
    _ask(api)
    code = mailbox.code_for(EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert _register(api, wrong).status == 422
    assert _register(api, code).status == 201


def test_reset_code_for_an_unknown_email_is_accepted_but_not_sent(api: Any, mailbox: Any) -> None:
    assert _ask(api, "nobody@example.com", "reset_password").status == 202
    assert mailbox.messages() == []


def test_code_requests_are_validated(api: Any) -> None:
    assert _ask(api, "not-an-address").status == 422
    assert _ask(api, purpose="login").status == 422
    assert _register(api, "12345").status == 422


def test_a_code_sent_just_before_a_key_rotation_still_works(
    api: Any, mailbox: Any, own_secrets: Any
) -> None:
    from chalicelib.core.rotate import rotate_secret
    from tests.support.secrets import ring_field

    own_secrets.create_rings()
    _ask(api)
    _ask(api, "bob@example.com")
    code, bobs = mailbox.code_for(EMAIL), mailbox.code_for("bob@example.com")
    secret_id = own_secrets.ids[ring_field("jwt")]
    rotate_secret("jwt", secret_id)
    own_secrets.forget()  # every container has the new ring
    assert _register(api, code).status == 201
    rotate_secret("jwt", secret_id, revoke_previous=True)  # the key it was hashed with leaked
    own_secrets.forget()
    assert _register(api, bobs, "bob@example.com", "bob").status == 422
