"""Fixed-window rate limits whose counters live in DynamoDB, so a limit holds across
every Lambda container. A counter item expires by TTL once its window is over.

``hit(key, limit, window_seconds)`` counts one event and raises ``TooManyRequests``
(with ``Retry-After`` = seconds left in the window) when the limit is passed.
"""

from __future__ import annotations

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
    count = int(counter.hits)
    if count > limit:
        raise TooManyRequests(retry_after=window_end - now)
    return count
