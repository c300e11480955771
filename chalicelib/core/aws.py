"""AWS clients, created lazily once per container and reused by warm invocations.

Endpoints come from settings (``AWS_ENDPOINT_URL_*``), so the same code talks to AWS
or to the local stand-ins.
"""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.core.config import get_settings

_lock = threading.Lock()
_clients: dict[str, Any] = {}


def client(service: str) -> Any:
    """A cached boto3 client (boto3 is imported on first use, not at cold start)."""
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _clients:
            import boto3
            from botocore.config import Config

            settings = get_settings()
            _clients[service] = boto3.session.Session().client(
                service,
                region_name=settings.region,
                endpoint_url=settings.endpoint_for(service),
                config=Config(
                    connect_timeout=3,
                    read_timeout=10,
                    retries={"max_attempts": 3, "mode": "standard"},
                    s3={"addressing_style": "path"} if service == "s3" else None,
                    # botocore presigns S3 URLs and POST forms with Signature Version 2
                    # unless told otherwise; buckets created since June 2020 refuse it.
                    signature_version="s3v4" if service == "s3" else None,
                ),
            )
        return _clients[service]


def reset_clients() -> None:
    with _lock:
        _clients.clear()


_queue_urls: dict[str, str] = {}


def queue_url(queue_name: str) -> str:
    """The URL of a queue, looked up once per container."""
    if queue_name not in _queue_urls:
        _queue_urls[queue_name] = client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"]
    return _queue_urls[queue_name]
