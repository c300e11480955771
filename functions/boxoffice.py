"""Box-office worker: SQS -> the box office's background jobs.

Each message is one ``chalicelib.boxoffice.jobs.Job``: scan a cancelled showtime, settle
one of its orders, or write one chunk of a CSV export. Jobs are idempotent (SQS delivers
at least once); Powertools' BatchProcessor reports partial batch failures, so a failing
job is retried alone (then parked on the dead-letter queue) while the rest go on.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.boxoffice.jobs import Job, run
from chalicelib.core.observability import logger

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    job = Job.model_validate_json(record.body)
    outcome = run(job)
    logger.info("box-office job", extra={"job": job.job, "outcome": outcome})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
