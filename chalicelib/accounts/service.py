"""Accounts orchestration: register, sign in, refresh, sign out, reset a password."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from chalicelib.accounts import lockout, sessions
from chalicelib.accounts.codes import CodeSpend, check_code, invalid_code, send_code
from chalicelib.accounts.models import UniqueKey, User
from chalicelib.accounts.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from chalicelib.accounts.rules import LoginKind, Purpose, login_kind, normalize_email, unique_key
from chalicelib.accounts.schemas import TokenPairOut, TokensOut, token_pair_out, tokens_out
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import Conflict, Unauthorized, ValidationFailed
from chalicelib.core.roles import Role
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended

BAD_CREDENTIALS = "The login or password is wrong."
CODE = "code"  # the verification code spent in the same transaction


def find_user(kind: LoginKind, value: str) -> User | None:
    owner = get_or_none(UniqueKey, unique_key(kind, value), consistent_read=True)
    return get_or_none(User, owner.user_id, consistent_read=True) if owner else None


def email_registered(email: str) -> bool:
    return find_user(LoginKind.EMAIL, normalize_email(email)) is not None


def request_code(email: str, purpose: Purpose) -> None:
    """Send a code. A register code for a known address is 409; a reset code for an
    unknown one is silently not sent (the answer must not reveal who has an account)."""
    registered = email_registered(email)
    if purpose is Purpose.REGISTER and registered:
        raise Conflict("An account with this e-mail already exists.", extra={"field": "email"})
    if purpose is Purpose.RESET_PASSWORD and not registered:
        return
    send_code(email, purpose)


def _require_password(password: str, field: str) -> None:
    problem = password_problem(password)
    if problem:
        raise ValidationFailed.single(field, problem)


def create_user(user: User, also: Callable[[Transaction], None] | None = None) -> None:
    """Write the user and its uniqueness items in one transaction (plus ``also``'s
    items). A taken username / e-mail / mobile is a 409 naming it."""
    keys = [(LoginKind.USERNAME, user.username), (LoginKind.EMAIL, user.email)]
    if user.mobile:
        keys.append((LoginKind.MOBILE, user.mobile))

    tx = Transaction()
    tx.put("user", user, User.user_id.does_not_exist())
    for kind, value in keys:
        tx.put(
            kind.value,
            UniqueKey(unique_key(kind, value), user_id=user.user_id),
            UniqueKey.key.does_not_exist(),
        )
    if also is not None:
        also(tx)

    try:
        tx.commit()
    except ConditionFailed as failed:
        for kind, _ in keys:
            if kind.value in failed.labels:
                raise Conflict(
                    f"This {kind.value} is already taken.", extra={"field": kind.value}
                ) from failed
        if CODE in failed.labels:
            raise invalid_code() from failed
        raise
    except TransactionContended as contended:
        if CODE in contended.labels:  # another request is spending this code right now
            raise invalid_code() from contended
        raise


def _spend(spend: CodeSpend) -> Callable[[Transaction], None]:
    def add(tx: Transaction) -> None:
        tx.update(CODE, spend.item, spend.actions, spend.condition)

    return add


def register(email: str, code: str, username: str, password: str) -> TokensOut:
    _require_password(password, "password")
    address = normalize_email(email)
    spend = check_code(address, Purpose.REGISTER, code)
    user = User(
        uuid.uuid4().hex,
        username=username.strip(),
        email=address,
        password_hash=hash_password(password),
        roles={Role.USER.value},
        is_active=True,
        gender="unspecified",
        created_at=clock.now(),
    )
    create_user(user, also=_spend(spend))
    return tokens_out(user, sessions.start_session(user))


def login(login_name: str, password: str) -> TokensOut:
    """Sign in by username, e-mail or mobile. Every failure looks the same (401)."""
    kind = login_kind(login_name)
    value = normalize_email(login_name) if kind is LoginKind.EMAIL else login_name.strip()
    user = find_user(kind, value)
    guard = f"user#{user.user_id}" if user else f"unknown#{unique_key(kind, value)}"
    lockout.ensure_not_locked(guard)
    if user is None:
        burn_verification_time(password)
        lockout.record_failure(guard)
        raise Unauthorized(BAD_CREDENTIALS)
    if not verify_password(user.password_hash, password) or not user.is_active:
        lockout.record_failure(guard)
        raise Unauthorized(BAD_CREDENTIALS)
    lockout.clear(guard)
    if needs_rehash(user.password_hash):
        user.update(actions=[User.password_hash.set(hash_password(password))])
    return tokens_out(user, sessions.start_session(user))


def refresh(refresh_token: str) -> TokenPairOut:
    return token_pair_out(sessions.rotate(refresh_token))


def logout(refresh_token: str, user_id: str) -> None:
    sessions.end_session(refresh_token, user_id)


def reset_password(email: str, code: str, new_password: str) -> None:
    """Set a new password with an e-mailed code; every session of the user ends."""
    _require_password(new_password, "new_password")
    address = normalize_email(email)
    spend = check_code(address, Purpose.RESET_PASSWORD, code)
    user = find_user(LoginKind.EMAIL, address)
    if user is None:
        raise invalid_code()
    changed = clock.now()

    tx = Transaction()
    _spend(spend)(tx)
    tx.update(
        "user",
        user,
        [
            User.password_hash.set(hash_password(new_password)),
            User.password_changed_at.set(changed),
        ],
        User.user_id.exists(),
    )
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as exc:
        raise invalid_code() from exc
    sessions.revoke_all(user.user_id)
    lockout.clear(f"user#{user.user_id}")
