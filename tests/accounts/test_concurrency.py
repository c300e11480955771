"""Uniqueness under races: threads register the same e-mail or username at once."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.accounts.models import UniqueKey, User
from chalicelib.accounts.service import create_user, register
from chalicelib.core import clock
from chalicelib.core.errors import AppError, Conflict

THREADS = 20


def _user(username: str, email: str) -> User:
    return User(
        uuid.uuid4().hex,
        username=username,
        email=email,
        password_hash="$argon2id$not-used-here",
        roles={"user"},
        created_at=clock.now(),
    )


def _race(make: Any) -> tuple[int, list[Exception]]:
    def attempt(i: int) -> Exception | None:
        try:
            make(i)
            return None
        except Exception as exc:  # collected and checked below
            return exc

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(attempt, range(THREADS)))
    errors = [o for o in outcomes if o is not None]
    return THREADS - len(errors), errors


def test_concurrent_registrations_with_one_email_let_exactly_one_win() -> None:
    wins, errors = _race(lambda i: create_user(_user(f"user{i}", "same@example.com")))
    assert wins == 1
    assert all(isinstance(e, Conflict) and e.extra["field"] == "email" for e in errors)
    assert User.count() == 1
    assert UniqueKey.count() == 2  # the winner's username and e-mail, nothing of the losers


def test_concurrent_registrations_with_one_username_let_exactly_one_win() -> None:
    wins, errors = _race(lambda i: create_user(_user("Same", f"user{i}@example.com")))
    assert wins == 1
    assert all(isinstance(e, Conflict) and e.extra["field"] == "username" for e in errors)
    assert User.count() == 1


def test_one_code_registers_one_account_however_many_race_for_it(api: Any, mailbox: Any) -> None:
    api.post("/auth/codes", json={"email": "ann@example.com", "purpose": "register"})
    code = mailbox.code_for("ann@example.com")
    wins, errors = _race(lambda i: register("ann@example.com", code, f"ann{i}", "correct-horse-9"))
    assert wins == 1
    assert all(isinstance(e, AppError) and e.status in (409, 422) for e in errors)
    assert User.count() == 1
