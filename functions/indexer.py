"""Search indexer: DynamoDB Streams (movies table) -> search index.

Powertools' BatchProcessor reports partial failures, so a poison record does not block
the records after it.
"""

from __future__ import annotations

from collections.abc import Callable
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

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

#: What to do with each change; the search area installs its own. Receives the event
#: name (INSERT/MODIFY/REMOVE), the new image and the old image as plain dicts.
ChangeHandler = Callable[[str, dict[str, Any] | None, dict[str, Any] | None], None]


def log_change(event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> None:
    keys = (new or old or {}).keys()
    logger.info("stream change", extra={"event_name": event_name, "attributes": sorted(keys)})


on_change: ChangeHandler = log_change


def record_handler(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    new = change.new_image if change else None
    old = change.old_image if change else None
    on_change(str(record.event_name.name if record.event_name else ""), new, old)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
