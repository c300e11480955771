from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.core.errors import TooManyRequests
from chalicelib.core.ratelimit import BatchedLimit, hit


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


def shared_count(key: str) -> int:
    from chalicelib.core.ratelimit import RateCounter

    found = [c for c in RateCounter.scan() if c.key.startswith(f"{key}:")]
    return sum(int(c.hits) for c in found)


def test_a_batched_limit_adds_to_the_shared_counter_once_per_tenth_of_the_limit(
    frozen_clock,
) -> None:
    frozen_clock.set(frozen_clock.now().replace(second=0, microsecond=0))
    container = BatchedLimit()
    for _ in range(9):
        container.hit("test:d", limit=100, window_seconds=60)
    assert shared_count("test:d") == 0  # nine requests, no round trip
    container.hit("test:d", limit=100, window_seconds=60)
    assert shared_count("test:d") == 10


def test_a_batched_limit_holds_across_containers_within_a_batch_each(frozen_clock) -> None:
    frozen_clock.set(frozen_clock.now().replace(second=0, microsecond=0))
    containers = [BatchedLimit() for _ in range(3)]
    allowed = 0
    for n in range(150):
        try:
            containers[n % 3].hit("test:e", limit=100, window_seconds=60)
            allowed += 1
        except TooManyRequests as refused:
            assert refused.retry_after == 60
    # each container may let through less than one batch (10) beyond what it saw
    assert 100 <= allowed <= 100 + 3 * 9
    for container in containers:  # and once it has seen the total, it refuses on its own
        with pytest.raises(TooManyRequests):
            container.hit("test:e", limit=100, window_seconds=60)


def test_a_batched_limit_under_ten_counts_every_request_at_once(frozen_clock) -> None:
    first, second = BatchedLimit(), BatchedLimit()
    for container in (first, second, first):
        container.hit("test:f", limit=3, window_seconds=60)
    assert shared_count("test:f") == 3
    with pytest.raises(TooManyRequests):
        second.hit("test:f", limit=3, window_seconds=60)
    frozen_clock.advance(seconds=60)
    second.hit("test:f", limit=3, window_seconds=60)
