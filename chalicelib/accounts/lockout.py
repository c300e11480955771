"""Login lockout: 5 failures in 15 min lock an account for 15 min (429), all *config*.

The guard item is updated with an optimistic version check, so failures from parallel
requests are all counted.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.accounts.models import LoginGuard
from chalicelib.accounts.rules import LockoutPolicy, LoginGuardState, after_failure, locked_seconds
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.errors import TooManyRequests

#: optimistic retries; a failure is never dropped: past them the caller is throttled
ATTEMPTS = 10


def _policy() -> LockoutPolicy:
    s = get_settings()
    return LockoutPolicy(
        max_failures=s.login_max_failures,
        window=timedelta(seconds=s.login_failure_window_seconds),
        lockout=timedelta(seconds=s.login_lockout_seconds),
    )


def _load(key: str) -> LoginGuard | None:
    return get_or_none(LoginGuard, key, consistent_read=True)


def _state(guard: LoginGuard | None) -> LoginGuardState | None:
    if guard is None:
        return None
    return LoginGuardState(int(guard.failures), guard.window_started_at, guard.locked_until)


def ensure_not_locked(key: str) -> None:
    wait = locked_seconds(_state(_load(key)), clock.now())
    if wait:
        raise TooManyRequests(retry_after=wait, detail="Too many failed sign-ins; try again later.")


def record_failure(key: str) -> None:
    policy = _policy()
    for _ in range(ATTEMPTS):
        guard = _load(key)
        now = clock.now()
        state = after_failure(_state(guard), now, policy)
        if guard is None:
            guard = LoginGuard(key)
        guard.failures = state.failures
        guard.window_started_at = state.window_started_at
        guard.locked_until = state.locked_until
        guard.expires_at = max(state.window_started_at + policy.window, state.locked_until or now)
        if conditionally(guard.save):  # the version attribute makes this conditional
            return
    # So many parallel failures that none of our writes won: a guessing burst. Refuse
    # rather than let an attempt go uncounted.
    raise TooManyRequests(retry_after=1, detail="Too many failed sign-ins; try again later.")


def clear(key: str) -> None:
    """A successful login forgets earlier failures."""
    LoginGuard(key).delete(add_version_condition=False)
