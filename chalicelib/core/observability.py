"""Powertools Logger, Tracer and Metrics shared by the API and the functions.

Tracing is off unless running on Lambda with X-Ray (``POWERTOOLS_TRACE_DISABLED``);
metrics are emitted as CloudWatch EMF lines.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "marquee"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace="Marquee", service=SERVICE)
