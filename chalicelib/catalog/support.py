"""Small helpers every catalogue service uses: ids, the cinemas' calendar, write errors,
and public URLs of media keys."""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.core import clock
from chalicelib.core.config import get_settings


def new_id() -> str:
    return uuid.uuid4().hex


def local_today() -> date:
    """Today where the cinemas are: release dates and "date" filters are local days."""
    return clock.now().astimezone(ZoneInfo(get_settings().cinema_timezone)).date()


def condition_failed(exc: PynamoDBException) -> bool:
    """Did a write fail only because one of its conditions did not hold?"""
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        codes = {r.code for r in reasons if r is not None}
        return bool(codes) and codes <= {"ConditionalCheckFailed", "TransactionConflict"}
    return exc.cause_response_code == "ConditionalCheckFailedException"


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
