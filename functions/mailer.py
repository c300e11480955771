"""E-mail worker: SQS -> SES.

Each SQS message is one e-mail (``chalicelib.core.email.EmailMessage`` as JSON).
Powertools' BatchProcessor reports partial batch failures, so one bad message is
retried alone instead of the whole batch.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.core.email import EmailMessage, deliver
from chalicelib.core.observability import logger

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    message = EmailMessage.model_validate_json(record.body)
    deliver(message)
    logger.info("e-mail sent", extra={"message_id": message.message_id, "kind": message.kind})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
