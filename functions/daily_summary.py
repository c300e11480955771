"""Daily summary, run once a day by an EventBridge schedule (early morning where the
cinemas are): e-mails each cinema's staff the figures of the day before."""

from __future__ import annotations

from typing import Any

from chalicelib.boxoffice.summary import previous_day, send_daily_summaries
from chalicelib.core import clock
from chalicelib.core.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    day = previous_day(clock.now())
    sent = send_daily_summaries(day)
    logger.info("daily summaries queued", extra={"day": day, "emails": sent})
    return {"day": day, "emails": sent}
