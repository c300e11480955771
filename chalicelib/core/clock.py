"""The one clock. Rules take ``now`` as an argument; services ask ``clock.now()``.

Tests swap in a ``FrozenClock`` so expiry is tested without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

from pydantic import PlainSerializer, WithJsonSchema


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)


_clock: Clock = SystemClock()


def now() -> datetime:
    return _clock.now()


def epoch_seconds() -> int:
    return int(_clock.now().timestamp())


def set_clock(clock: Clock) -> None:
    global _clock
    _clock = clock


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    previous = _clock
    set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def isoformat(value: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, second precision: how every time leaves the API."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


#: A time in a response model: written as ``isoformat`` writes it.
Timestamp = Annotated[
    datetime,
    PlainSerializer(isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
