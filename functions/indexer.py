"""Search indexer: DynamoDB Streams (movies table) -> search index.

Each record is one movie change: inserted or modified -> (re)indexed, soft-deleted or
removed -> dropped from the index (``chalicelib.search.service.apply_change``). Powertools'
BatchProcessor reports partial failures, so a poison record is retried on its own and
does not block the records after it.
"""

from __future__ import annotations

from chalicelib.core import coldstart  # first: no garbage collection while this loads

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)

from chalicelib.core.observability import logger
from chalicelib.search import service

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> str:
    if not service.is_movies_stream(record.event_source_arn):
        return "ignored"
    change = record.dynamodb
    event_name = record.event_name.name if record.event_name else ""
    done = service.apply_change(
        event_name,
        change.new_image if change else None,
        change.old_image if change else None,
    )
    logger.debug("indexed change", extra={"event_name": event_name, "outcome": done})
    return done


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )


coldstart.loaded()
