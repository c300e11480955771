"""Accounts rules as plain functions: identifiers, verification codes, login lockout.

No I/O here; the services read and write DynamoDB and hand the state to these.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# Stated in /openapi.json as written, so each means the same in JSON Schema's ECMA regexes,
# pydantic's and Python's: explicit character ranges, never Unicode-dependent \w, \d or \s.
#: letters (ASCII, Latin with diacritics, CJK: 中文 names are fine), digits, '_', '.', '-'
USERNAME_PATTERN = r"^[A-Za-z0-9_.\-\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u4E00-\u9FFF]{3,30}$"
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
#: visible ASCII around one '@', a dot in the domain
EMAIL_PATTERN = r"^[!-?A-~]+@[!-?A-~]+\.[!-?A-~]+$"
CODE_DIGITS = 6
CODE_PATTERN = rf"^[0-9]{{{CODE_DIGITS}}}$"
E164 = re.compile(E164_PATTERN)


class Purpose(StrEnum):
    REGISTER = "register"
    RESET_PASSWORD = "reset_password"


class LoginKind(StrEnum):
    USERNAME = "username"
    EMAIL = "email"
    MOBILE = "mobile"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def unique_key(kind: LoginKind, value: str) -> str:
    """The uniqueness item's key; usernames are unique regardless of case."""
    normalized = value.strip().lower() if kind is not LoginKind.MOBILE else value.strip()
    return f"{kind.value}#{normalized}"


def login_kind(login: str) -> LoginKind:
    """What a login string is: an e-mail has an ``@``, a mobile starts with ``+``."""
    value = login.strip()
    if "@" in value:
        return LoginKind.EMAIL
    if E164.match(value):
        return LoginKind.MOBILE
    return LoginKind.USERNAME


def generate_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def code_message(code: str, *, address: str, purpose: Purpose) -> bytes:
    """What is hashed (with a key, ``chalicelib.accounts.codes``) in place of a code: bound
    to the address and purpose, so a code for one is no code for another."""
    return f"{purpose.value}:{normalize_email(address)}:{code.strip()}".encode()


class CodeVerdict(StrEnum):
    VALID = "valid"
    WRONG = "wrong"  # counts as a try
    DEAD = "dead"  # missing, expired, used or out of tries


@dataclass(frozen=True)
class CodeState:
    code_hash: str
    expires_at: datetime
    attempts: int
    used: bool


def judge_code(
    state: CodeState | None, submitted_hash: str, now: datetime, max_attempts: int
) -> CodeVerdict:
    if state is None or state.used or state.attempts >= max_attempts or now >= state.expires_at:
        return CodeVerdict.DEAD
    if not hmac.compare_digest(state.code_hash, submitted_hash):
        return CodeVerdict.WRONG
    return CodeVerdict.VALID


def resend_wait_seconds(last_sent_at: datetime | None, now: datetime, gap_seconds: int) -> int:
    """Seconds until another code may be sent to an address (0: now)."""
    if last_sent_at is None:
        return 0
    remaining = (last_sent_at + timedelta(seconds=gap_seconds) - now).total_seconds()
    return max(0, int(-(-remaining // 1)))  # round up: never tell a client to retry early


@dataclass(frozen=True)
class LoginGuardState:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    window: timedelta
    lockout: timedelta


def locked_seconds(state: LoginGuardState | None, now: datetime) -> int:
    if state is None or state.locked_until is None or now >= state.locked_until:
        return 0
    return max(1, int(-(-(state.locked_until - now).total_seconds() // 1)))


def after_failure(
    state: LoginGuardState | None, now: datetime, policy: LockoutPolicy
) -> LoginGuardState:
    """Count one failed login: failures older than the window start a new count; the
    ``max_failures``-th failure in a window locks the account for ``lockout``."""
    if state is None or now - state.window_started_at >= policy.window:
        state = LoginGuardState(failures=0, window_started_at=now, locked_until=None)
    failures = state.failures + 1
    locked_until = now + policy.lockout if failures >= policy.max_failures else state.locked_until
    return LoginGuardState(failures, state.window_started_at, locked_until)
