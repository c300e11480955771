"""Small helpers every catalogue service uses: ids, the cinemas' calendar, public URLs of
media keys, and withdrawing the showtimes of a deleted movie or cinema. (Transactions:
``chalicelib.core.transactions``; single conditional writes: ``chalicelib.core.dynamo``.)"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.boxoffice import counters
from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.transactions import ConditionFailed, Transaction


def new_id() -> str:
    return uuid.uuid4().hex


def local_today() -> date:
    """Today where the cinemas are: release dates and "date" filters are local days."""
    return clock.now().astimezone(ZoneInfo(get_settings().cinema_timezone)).date()


def media_url(key: str | None) -> str | None:
    """Where a client fetches an uploaded image (a CDN in front of the bucket on AWS)."""
    if not key:
        return None
    settings = get_settings()
    base = settings.media_base_url or (
        f"{settings.s3_endpoint or f'https://s3.{settings.region}.amazonaws.com'}"
        f"/{settings.media_bucket}"
    )
    return f"{base.rstrip('/')}/{key}"


def withdraw_future_showtimes(index: Any, key: str) -> int:
    """A deleted movie or cinema stops selling: its future showtimes close sales and leave
    the lists (the items stay for the orders that refer to them)."""
    count = 0
    for showtime in index.query(key, Showtime.starts_at >= clock.now()):
        write_terms(
            showtime,
            [
                Showtime.withdrawn.set(True),
                Showtime.listed.remove(),
                Showtime.sales_open.set(False),
                Showtime.updated_at.set(clock.now()),
            ],
        )
        count += 1
    return count


def add_terms_write(
    tx: Transaction, showtime: Showtime, actions: list[Action], condition: Condition | None = None
) -> None:
    """``actions`` on the showtime in ``tx``, with what every write of its terms carries:
    ``version`` + 1 and a fresh ``terms_stamp``, copied onto its counter shards in the same
    transaction (holds decided on cached terms check it there)."""
    stamp = counters.add_terms_stamp(tx, showtime.showtime_id)
    actions = [*actions, Showtime.terms_stamp.set(stamp), Showtime.version.add(1)]
    tx.update("showtime", showtime, actions, condition=condition)


def write_terms(
    showtime: Showtime, actions: list[Action], condition: Condition | None = None
) -> bool:
    """``add_terms_write`` in a transaction of its own; ``False`` when ``condition`` failed
    (nothing written)."""
    tx = Transaction()
    add_terms_write(tx, showtime, actions, condition)
    try:
        tx.commit()
    except ConditionFailed:
        return False
    return True
