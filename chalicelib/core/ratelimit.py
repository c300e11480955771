"""Fixed-window rate limits whose counters live in DynamoDB, so a limit holds across
every Lambda container. A counter item expires by TTL once its window is over.

``hit(key, limit, window_seconds)`` counts one event and raises ``TooManyRequests``
(with ``Retry-After`` = seconds left in the window) when the limit is passed: one
round trip per event, exact, for the rare events (logins, codes, comments).

``BatchedLimit`` puts a per-container count in front of the same counters for limits
that every request pays (the per-IP and per-user request limits), so most requests
cost no round trip at all.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core import clock
from chalicelib.core.dynamo import register_table, table_meta
from chalicelib.core.errors import TooManyRequests


@register_table
class RateCounter(Model):
    Meta = table_meta("rate-limits")

    key = UnicodeAttribute(hash_key=True)  # "<name>:<subject>:<window start>"
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)


def hit(key: str, limit: int, window_seconds: int, cost: int = 1) -> int:
    """Count ``cost`` events for ``key`` in the current window; return the new count.

    One atomic ``ADD`` (no read-modify-write), so concurrent callers never lose a count.
    """
    count, retry_after = add(key, window_seconds, cost)
    if count > limit:
        raise TooManyRequests(retry_after=retry_after)
    return count


def add(key: str, window_seconds: int, cost: int) -> tuple[int, int]:
    """Add ``cost`` to the shared counter of ``key``'s current window: (the new count,
    seconds left in the window)."""
    now = clock.epoch_seconds()
    window_start = now - now % window_seconds
    window_end = window_start + window_seconds
    counter = RateCounter(f"{key}:{window_start}")
    counter.update(
        actions=[
            RateCounter.hits.add(cost),
            RateCounter.expires_at.set(datetime.fromtimestamp(window_end + 60, UTC)),
        ]
    )
    return int(counter.hits), window_end - now


@dataclass
class _Window:
    start: int
    shared: int = 0  # the shared count when this container last added to it
    unsent: int = 0  # counted here, not yet added to the shared counter


class BatchedLimit:
    """A per-container count in front of the shared counter, for limits every request pays.

    A container counts a key's requests in memory and adds them to the shared counter
    in batches of a tenth of the limit, deciding in between on the shared count it last
    saw plus its own unsent requests. So a caller sending fewer than a tenth of its limit
    per window to a container never costs a round trip, and a busy one costs one per
    batch. The price of not asking every time: across N warm containers a key can pass
    its limit by at most N x (batch - 1) requests in a window before all of them refuse
    it. Limits under 10 are batches of one: exact, as ``hit``.
    """

    #: keys remembered per container before past windows are dropped
    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}

    def hit(self, key: str, limit: int, window_seconds: int) -> None:
        now = clock.epoch_seconds()
        start = now - now % window_seconds
        retry_after = start + window_seconds - now
        with self._lock:
            window = self._windows.get(key)
            if window is None or window.start != start:
                if len(self._windows) >= self.MAX_KEYS:
                    self._drop_past(start)
                window = self._windows[key] = _Window(start)
            window.unsent += 1
            if window.unsent < max(1, limit // 10):
                if window.shared + window.unsent > limit:
                    raise TooManyRequests(retry_after=retry_after)
                return
            cost, window.unsent = window.unsent, 0
        count, retry_after = add(key, window_seconds, cost)
        with self._lock:
            window.shared = max(window.shared, count)
        if count > limit:
            raise TooManyRequests(retry_after=retry_after)

    def forget(self) -> None:
        """Drop this container's counts (the tests empty the shared counters between cases)."""
        with self._lock:
            self._windows.clear()

    def _drop_past(self, current_start: int) -> None:
        for key in [k for k, w in self._windows.items() if w.start != current_start]:
            del self._windows[key]
