"""Powertools Logger, Tracer and Metrics shared by the API and the functions.

Tracing is off unless running on Lambda with X-Ray (``POWERTOOLS_TRACE_DISABLED``);
metrics are emitted as CloudWatch EMF lines. The Tracer is made on first use, not at
import: it loads the X-Ray SDK and patches libraries, a cost a cold start need not pay
before its first request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "marquee"
#: Traced calls: every AWS call (botocore) and every other HTTP call (Stripe, OpenSearch)
#: at http.client. Not Powertools' default of patching every library it knows, which
#: imports requests, sqlite3 and more into every cold start just to patch them.
TRACED_MODULES = ("botocore", "httplib")

NAMESPACE = "Marquee"
#: Failures the scheduled functions handle and carry on from (each one raises an alarm).
SWEEP_FAILURES = "SweepFailures"
RECONCILE_FAILURES = "ReconcileFailures"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

_lock = threading.Lock()
_tracer: Tracer | None = None


def tracer() -> Tracer:
    """The Tracer, created (and the libraries patched) on first use."""
    global _tracer
    if _tracer is None:
        with _lock:
            if _tracer is None:
                _tracer = Tracer(service=SERVICE, patch_modules=TRACED_MODULES)
    return _tracer


@contextmanager
def subsegment(name: str) -> Iterator[Any]:
    """An X-Ray subsegment around a block, or ``None`` when tracing is off."""
    traced = tracer()
    if traced.disabled:
        yield None
        return
    with traced.provider.in_subsegment(name) as segment:
        yield segment


def count_failure(metric: str) -> None:
    """Count one failure that was logged and not raised, so an alarm still hears of it."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
