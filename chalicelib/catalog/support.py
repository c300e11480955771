"""Small helpers every catalogue service uses: ids, the cinemas' calendar, public URLs of
media keys, and withdrawing the showtimes of a deleted movie or cinema. (Transactions:
``chalicelib.core.transactions``; single conditional writes: ``chalicelib.core.dynamo``.)"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.catalog.models import Showtime
from chalicelib.core import clock
from chalicelib.core.config import get_settings


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
        showtime.update(
            actions=[
                Showtime.withdrawn.set(True),
                Showtime.listed.remove(),
                Showtime.sales_open.set(False),
                Showtime.updated_at.set(clock.now()),
                Showtime.version.add(1),
            ]
        )
        count += 1
    return count
