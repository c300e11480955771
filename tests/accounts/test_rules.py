"""Accounts rules without I/O: identifiers, codes, lockout, passwords."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.accounts.passwords import hash_password, password_problem, verify_password
from chalicelib.accounts.rules import (
    CodeState,
    CodeVerdict,
    LockoutPolicy,
    LoginKind,
    Purpose,
    after_failure,
    code_message,
    generate_code,
    judge_code,
    locked_seconds,
    login_kind,
    resend_wait_seconds,
    unique_key,
)

pytestmark = pytest.mark.pure

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
POLICY = LockoutPolicy(5, timedelta(minutes=15), timedelta(minutes=15))


@pytest.mark.parametrize(
    ("login", "kind"),
    [
        ("ann", LoginKind.USERNAME),
        ("ann@example.com", LoginKind.EMAIL),
        ("+8613800138000", LoginKind.MOBILE),
        ("13800138000", LoginKind.USERNAME),
    ],
)
def test_a_login_is_a_username_an_email_or_a_mobile(login: str, kind: LoginKind) -> None:
    assert login_kind(login) is kind


def test_usernames_and_emails_are_unique_regardless_of_case() -> None:
    assert unique_key(LoginKind.USERNAME, "Ann") == unique_key(LoginKind.USERNAME, "ann")
    assert unique_key(LoginKind.EMAIL, "A@X.io") == "email#a@x.io"


def test_codes_are_six_random_digits() -> None:
    codes = {generate_code() for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 40


def test_what_a_code_hash_covers_is_bound_to_address_and_purpose() -> None:
    base = code_message("123456", address="a@x.io", purpose=Purpose.REGISTER)
    assert base == code_message(" 123456", address="A@X.io", purpose=Purpose.REGISTER)
    assert base != code_message("123456", address="a@x.io", purpose=Purpose.RESET_PASSWORD)
    assert base != code_message("123456", address="b@x.io", purpose=Purpose.REGISTER)
    assert base != code_message("123457", address="a@x.io", purpose=Purpose.REGISTER)


def _state(**changes: object) -> CodeState:
    values: dict[str, object] = {
        "code_hash": "h",
        "expires_at": NOW + timedelta(minutes=5),
        "attempts": 0,
        "used": False,
    }
    values.update(changes)
    return CodeState(**values)  # type: ignore[arg-type]


def test_judging_a_code() -> None:
    assert judge_code(_state(), "h", NOW, 5) is CodeVerdict.VALID
    assert judge_code(_state(), "x", NOW, 5) is CodeVerdict.WRONG
    assert judge_code(None, "h", NOW, 5) is CodeVerdict.DEAD
    assert judge_code(_state(used=True), "h", NOW, 5) is CodeVerdict.DEAD
    assert judge_code(_state(attempts=5), "h", NOW, 5) is CodeVerdict.DEAD
    assert judge_code(_state(attempts=4), "h", NOW, 5) is CodeVerdict.VALID
    assert judge_code(_state(), "h", NOW + timedelta(minutes=5), 5) is CodeVerdict.DEAD


def test_resend_wait_rounds_up() -> None:
    assert resend_wait_seconds(None, NOW, 60) == 0
    assert resend_wait_seconds(NOW, NOW + timedelta(seconds=59.5), 60) == 1
    assert resend_wait_seconds(NOW, NOW + timedelta(seconds=60), 60) == 0
    assert resend_wait_seconds(NOW, NOW, 60) == 60


def test_the_fifth_failure_in_the_window_locks() -> None:
    state = None
    for _ in range(4):
        state = after_failure(state, NOW, POLICY)
        assert locked_seconds(state, NOW) == 0
    state = after_failure(state, NOW + timedelta(minutes=14), POLICY)
    assert locked_seconds(state, NOW + timedelta(minutes=14)) == 15 * 60
    assert locked_seconds(state, NOW + timedelta(minutes=29)) == 0


def test_a_failure_after_the_window_starts_a_new_count() -> None:
    state = None
    for _ in range(4):
        state = after_failure(state, NOW, POLICY)
    state = after_failure(state, NOW + timedelta(minutes=15), POLICY)
    assert state.failures == 1 and state.locked_until is None


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1!", False),
        ("12345678901", False),
        ("abcdefgh", True),
        ("1234567a", True),
        ("x" * 129, False),
    ],
)
def test_password_rules(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok


def test_passwords_hash_with_argon2id_and_verify() -> None:
    hashed = hash_password("correct-horse-9")
    assert hashed.startswith("$argon2id$")
    assert hashed != hash_password("correct-horse-9")  # salted
    assert verify_password(hashed, "correct-horse-9")
    assert not verify_password(hashed, "correct-horse-8")
    assert not verify_password("not-a-hash", "correct-horse-9")
