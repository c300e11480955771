"""A bounded cache kept by one Lambda container (a warm container serves many requests).

Only for data that is immutable, or that the writes relying on it check (see
``chalicelib.booking.showtimes``): a container never hears of another's writes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ContainerCache(Generic[K, V]):
    """At most ``size`` entries, the least recently used dropped first; thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, load: Callable[[K], V]) -> V:
        """The cached value, or ``load(key)`` kept for next time."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = load(key)  # outside the lock: a slow read must not stall other keys
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)
