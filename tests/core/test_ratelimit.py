from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.core.errors import TooManyRequests
from chalicelib.core.ratelimit import hit


def test_the_limit_is_enforced_within_a_window_with_retry_after(frozen_clock) -> None:
    for _ in range(3):
        hit("test:a", limit=3, window_seconds=60)
    with pytest.raises(TooManyRequests) as refused:
        hit("test:a", limit=3, window_seconds=60)
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.headers["Retry-After"] == str(refused.value.retry_after)


def test_a_new_window_starts_afresh(frozen_clock) -> None:
    for _ in range(2):
        hit("test:b", limit=2, window_seconds=60)
    frozen_clock.advance(seconds=60)
    assert hit("test:b", limit=2, window_seconds=60) == 1


def test_concurrent_hits_are_all_counted(frozen_clock) -> None:
    def one(_: int) -> bool:
        try:
            hit("test:c", limit=20, window_seconds=60)
            return True
        except TooManyRequests:
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        allowed = list(pool.map(one, range(50)))
    assert sum(allowed) == 20
