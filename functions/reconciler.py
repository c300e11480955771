"""Payment reconciler, run every minute by an EventBridge schedule.

Settles orders whose Stripe outcome never arrived (a lost or refused webhook), through the
same code path as the webhook: ``chalicelib.booking.reconcile``.
"""

from __future__ import annotations

from chalicelib.core import coldstart  # first: no garbage collection while this loads

# isort: split

from typing import Any

from chalicelib.booking.reconcile import reconcile_payments
from chalicelib.core import clock
from chalicelib.core.observability import logger, metrics


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settled = reconcile_payments(clock.now())
    metrics.add_metric(name="ReconciledPayments", unit="Count", value=settled)
    logger.info("reconciled payments", extra={"settled": settled})
    metrics.flush_metrics()
    return {"settled": settled}


coldstart.loaded()
