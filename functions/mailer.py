"""E-mail worker: SQS -> SES.

Each SQS message is one e-mail (``chalicelib.core.email.EmailMessage`` as JSON).
Powertools' BatchProcessor reports partial batch failures, so one bad message is
retried alone instead of the whole batch. Sending is idempotent per message id
(Powertools idempotency, in our DynamoDB table): SQS delivers at least once, and a
message queued twice is still one e-mail.

Sends are paced to ``EMAIL_SEND_RATE`` per second: the deployment runs at most
``mailerConcurrency`` mailers and gives each its share of the account's SES rate, so
together they never exceed it (SES refuses what does, and refusals end in the DLQ).

With ``OUTBOX_DIR`` set (the local stack), every sent message is also written there as
an ``.eml`` file and announced on stdout, so a developer can read a code without a
mail server.
"""

from __future__ import annotations

from chalicelib.core import coldstart  # first: no garbage collection while this loads

# isort: split
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.email import EmailMessage, deliver
from chalicelib.core.idempotency import persistence_layer
from chalicelib.core.observability import logger

processor = BatchProcessor(event_type=EventType.SQS)

#: a redelivery later than this is sent again (SQS moves a failing message to the DLQ long before)
IDEMPOTENCY_SECONDS = 24 * 3600

_idempotency: Any = None
_send_once: Any = None


def idempotency_config() -> Any:
    """Powertools' idempotency config, made on first use: its package loads boto3, which
    importing the handler need not pay for."""
    global _idempotency
    if _idempotency is None:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        _idempotency = IdempotencyConfig(
            event_key_jmespath="message_id",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=IDEMPOTENCY_SECONDS,
        )
    return _idempotency


class Pacer:
    """At most ``rate`` sends a second from this container, whatever the batches."""

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._now, self._sleep = now, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, rate: float | None) -> None:
        if rate is None:
            return
        with self._lock:
            now = self._now()
            if now < self._next:
                self._sleep(self._next - now)
                now = self._next
            self._next = now + 1 / rate


pacer = Pacer()


def send_once(message: dict[str, Any]) -> Any:
    """Deliver the message unless one with its ``message_id`` was already delivered.

    Wrapped on first use, not at import, so importing this module creates no AWS client.
    """
    global _send_once
    if _send_once is None:
        from aws_lambda_powertools.utilities.idempotency import idempotent_function

        _send_once = idempotent_function(
            data_keyword_argument="message",
            persistence_store=persistence_layer("mailer"),
            config=idempotency_config(),
        )(_send)
    return _send_once(message=message)


def _send(message: dict[str, Any]) -> dict[str, str]:
    parsed = EmailMessage.model_validate(message)
    pacer.wait(get_settings().email_send_rate)
    deliver(parsed)
    outbox = get_settings().outbox_dir
    if outbox:
        write_outbox(Path(outbox), parsed)
    logger.info("e-mail sent", extra={"message_id": parsed.message_id, "kind": parsed.kind})
    return {"message_id": parsed.message_id}


def write_outbox(directory: Path, message: EmailMessage) -> Path:
    """One ``.eml`` per message; names sort by send time, so the newest is last."""
    directory.mkdir(parents=True, exist_ok=True)
    mime = MimeMessage()
    mime["From"] = get_settings().email_sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(clock.now())
    mime["Message-ID"] = f"<{message.message_id}@marquee.local>"
    mime["X-Marquee-Kind"] = message.kind
    mime.set_content(message.text)
    path = directory / f"{time.time_ns():020d}-{message.message_id}.eml"
    path.write_bytes(bytes(mime))
    print(f"[mailer] {message.kind} to {message.to}: {message.subject} -> {path}", flush=True)
    return path


def record_handler(record: SQSRecord) -> None:
    send_once(message=EmailMessage.model_validate_json(record.body).model_dump())


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency_config().register_lambda_context(context)
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )


coldstart.loaded()
