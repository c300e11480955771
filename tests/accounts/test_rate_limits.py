"""Request rate limits: anonymous callers per IP, signed-in users per user (*config*)."""

from typing import Any

import pytest

from chalicelib.accounts.tokens import issue_access_token


def _anonymous(api: Any) -> Any:
    # A cheap public route: the body is refused (422) after the request was counted.
    return api.post("/auth/login", json={})


@pytest.fixture
def low_limits(settings_env: Any) -> None:
    settings_env(RATE_LIMIT_ANONYMOUS_PER_MINUTE="3", RATE_LIMIT_USER_PER_MINUTE="5")


def test_anonymous_callers_get_429_over_their_limit(
    api: Any, low_limits: None, frozen_clock: Any
) -> None:
    frozen_clock.set(frozen_clock.now().replace(second=10, microsecond=0))
    for _ in range(3):
        assert _anonymous(api).status != 429
    refused = _anonymous(api)
    assert refused.status == 429
    assert refused.header("Retry-After") == "50"
    assert refused.header("Content-Type").startswith("application/problem+json")


def test_the_limit_resets_with_the_next_minute(
    api: Any, low_limits: None, frozen_clock: Any
) -> None:
    for _ in range(3):
        _anonymous(api)
    assert _anonymous(api).status == 429
    frozen_clock.advance(seconds=60)
    assert _anonymous(api).status != 429


def test_signed_in_users_have_their_own_higher_limit(
    api: Any, low_limits: None, frozen_clock: Any
) -> None:
    for _ in range(3):
        _anonymous(api)
    assert _anonymous(api).status == 429
    ann = api.as_user(issue_access_token("ann", ["user"]))
    bob = api.as_user(issue_access_token("bob", ["user"]))
    for _ in range(5):
        assert ann.get("/me").status != 429
    assert ann.get("/me").status == 429
    assert bob.get("/me").status != 429
