"""Powertools Logger, Tracer and Metrics shared by the API and the functions.

Tracing is off unless running on Lambda with X-Ray (``POWERTOOLS_TRACE_DISABLED``);
metrics are emitted as CloudWatch EMF lines.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "marquee"
NAMESPACE = "Marquee"
#: Failures the scheduled functions handle and carry on from (each one raises an alarm).
SWEEP_FAILURES = "SweepFailures"
RECONCILE_FAILURES = "ReconcileFailures"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


def count_failure(metric: str) -> None:
    """Count one failure that was logged and not raised, so an alarm still hears of it."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
