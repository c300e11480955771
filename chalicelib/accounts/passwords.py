"""Password rules and hashing (Argon2id, a memory-hard KDF).

The cost parameters come from settings so tests can use cheap (still valid) ones; a hash
records its own parameters, so raising the cost later keeps old hashes verifiable and
``needs_rehash`` tells when to upgrade one at the next login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.core.config import get_settings

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 128  # hashing cost must not be driven by the caller
#: JSON Schema's way to say "not only digits": somewhere, a character that is not 0-9
NOT_ONLY_DIGITS = r"[^0-9]"


def password_problem(password: str) -> str | None:
    """Why a password is refused, or ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if password.isascii() and password.isdigit():  # only 0-9: NOT_ONLY_DIGITS fails
        return "must not be only digits"
    return None


def _hasher() -> PasswordHasher:
    # argon2 and its C bindings load with the first password checked, not at cold start
    from argon2 import PasswordHasher

    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


_DUMMY_HASH: str | None = None


def burn_verification_time(password: str) -> None:
    """Spend the time a real check would, so an unknown login is not faster to answer."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password-0")
    verify_password(_DUMMY_HASH, password)
