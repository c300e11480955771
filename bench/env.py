"""Where the bench runs: its own DynamoDB Local, and the environment a Lambda sees."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from local import services
from local.env import Ports, local_environment

#: What the Lambda runtime sets in every function's environment (values as on AWS; the
#: trace header makes Powertools see an active X-Ray trace, as with ``Tracing.ACTIVE``).
LAMBDA_RUNTIME = {
    "AWS_LAMBDA_FUNCTION_NAME": "marquee-dev-api",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/marquee-dev-api",
    "AWS_LAMBDA_LOG_STREAM_NAME": "2026/12/01/[$LATEST]0123456789abcdef",
    "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "LAMBDA_TASK_ROOT": "/var/task",
    "LAMBDA_RUNTIME_DIR": "/var/runtime",
    "TZ": ":UTC",
    "LANG": "en_US.UTF-8",
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
}

#: What ``infrastructure/stack.py`` gives the functions, without ``SECRETS_ID`` (that
#: would fetch the keys from Secrets Manager: a network call, not import work).
STACK = {
    "STAGE": "dev",
    "TABLE_PREFIX": "marquee-dev-",
    "MEDIA_BUCKET": "marquee-dev-media",
    "EMAIL_QUEUE_NAME": "marquee-dev-email",
    "EMAIL_SENDER": "no-reply@dev.marquee.example.com",
    "OPENSEARCH_URL": "https://search-marquee-dev.eu-west-1.es.amazonaws.com",
    "CORS_ALLOWED_ORIGINS": "http://localhost:3000",
    "POWERTOOLS_SERVICE_NAME": "marquee",
    "POWERTOOLS_METRICS_NAMESPACE": "Marquee",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


def lambda_environment() -> dict[str, str]:
    """A clean environment as a deployed function sees it (plus PATH)."""
    return {"PATH": os.environ.get("PATH", ""), **LAMBDA_RUNTIME, **STACK}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from ``/proc`` (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def local_dynamodb() -> Iterator[int]:
    """DynamoDB Local in memory on a free port, every table created, the application
    pointed at it (before any model is imported). Yields its process id (its CPU time is
    part of what a contestant costs)."""
    state = Path(tempfile.mkdtemp(prefix="marquee-bench-"))
    free = services.free_port
    ports = Ports(api=free(), dynamodb=free(), moto=free(), stripe=free())
    os.environ.update(local_environment(ports, state, prefix="bench-"))
    from chalicelib.core.aws import reset_clients
    from chalicelib.core.config import reset_settings

    reset_settings()
    reset_clients()
    dynamodb = services.dynamodb_local(ports.dynamodb, None, state / "dynamodb.log").start()
    try:
        from chalicelib.core.dynamo import create_missing_tables

        create_missing_tables()
        assert dynamodb.process is not None
        yield dynamodb.process.pid
    finally:
        dynamodb.stop()
        shutil.rmtree(state, ignore_errors=True)
