"""What AWS does between the resources and the functions, done locally by threads:

- ``SqsPump``: receives from the queue, calls the handler with a real SQS event, deletes
  the messages the handler did not report as failed (partial batch responses).
- ``StreamPump``: reads DynamoDB Local's stream API for a table and calls the handler
  with real stream records.
- ``Scheduler``: calls a handler with an EventBridge scheduled event every N seconds (the
  sweeper, the payment reconciler).

They call the very same ``functions/*.handler`` that run on Lambda.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.core.observability import logger

Handler = Callable[[dict[str, Any], Any], Any]


class LambdaContext:
    """The attributes of a Lambda context object the handlers (and Powertools) read."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:{get_settings().region}:000000000000:function:{function_name}"
        )
        self.memory_limit_in_mb = 256
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class Pump(threading.Thread):
    interval = 1.0

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stopped = threading.Event()
        self.delivered = 0

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                if not self.pump_once():
                    self.stopped.wait(self.interval)
            except Exception:
                logger.exception("pump failed", extra={"pump": self.name})
                self.stopped.wait(self.interval)

    def pump_once(self) -> bool:
        """Deliver one batch; return whether anything was delivered."""
        raise NotImplementedError

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=10)


class SqsPump(Pump):
    def __init__(self, queue_name: str, handler: Handler, batch_size: int = 10) -> None:
        super().__init__(f"sqs:{queue_name}")
        self.queue_name = queue_name
        self.handler = handler
        self.batch_size = batch_size

    def pump_once(self) -> bool:
        sqs = client("sqs")
        url = queue_url(self.queue_name)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        received = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return False
        event = {"Records": [sqs_record(m, arn) for m in received]}
        result = self.handler(event, LambdaContext(self.queue_name)) or {}
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        for message in received:
            if message["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                self.delivered += 1
        return True


def sqs_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": get_settings().region,
    }


class StreamPump(Pump):
    """Follows every shard of a table's stream from where the pump started (LATEST)."""

    def __init__(self, table_name: str, handler: Handler, batch_size: int = 100) -> None:
        super().__init__(f"stream:{table_name}")
        self.table_name = table_name
        self.handler = handler
        self.batch_size = batch_size
        self.iterators: dict[str, str | None] = {}
        self.stream_arn: str | None = None
        self.ready = threading.Event()
        self.last_sequence: dict[str, str] = {}

    def start(self) -> None:
        self.open()
        super().start()

    def open(self) -> None:
        """Position at the end of every shard (what ``start`` does before pumping)."""
        self._discover(initial=True)
        self.ready.set()

    def _discover(self, initial: bool = False) -> None:
        streams = client("dynamodbstreams")
        if self.stream_arn is None:
            self.stream_arn = client("dynamodb").describe_table(TableName=self.table_name)["Table"][
                "LatestStreamArn"
            ]
        shards = streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id in self.iterators:
                continue
            # Shards that appear after start are read from their beginning.
            iterator_type = "LATEST" if initial else "TRIM_HORIZON"
            self.iterators[shard_id] = streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=iterator_type
            )["ShardIterator"]

    def _resume(self, shard_id: str) -> str:
        """After the last record delivered from the shard, or from its start if none was."""
        last = self.last_sequence.get(shard_id)
        position: dict[str, str] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}
            if last
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        return str(
            client("dynamodbstreams").get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, **position
            )["ShardIterator"]
        )

    def pump_once(self) -> bool:
        streams = client("dynamodbstreams")
        self._discover()
        delivered = False
        for shard_id, iterator in list(self.iterators.items()):
            if iterator is None:
                continue
            try:
                page = streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
            except streams.exceptions.TrimmedDataAccessException:
                # DynamoDB Local may number a shard's next record past where a LATEST
                # iterator points (a transaction skips a number); resume instead of failing
                # on the same iterator forever.
                self.iterators[shard_id] = self._resume(shard_id)
                continue
            self.iterators[shard_id] = page.get("NextShardIterator")
            records = page.get("Records", [])
            if not records:
                continue
            self.last_sequence[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
            event = {"Records": [stream_record(r, self.stream_arn or "") for r in records]}
            self.handler(event, LambdaContext(self.table_name))
            self.delivered += len(records)
            delivered = True
        return delivered


def stream_record(record: dict[str, Any], arn: str) -> dict[str, Any]:
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": get_settings().region,
        "dynamodb": change,
        "eventSourceARN": arn,
    }


class Scheduler(Pump):
    def __init__(self, function_name: str, handler: Handler, every_seconds: float = 60.0) -> None:
        super().__init__(f"schedule:{function_name}")
        self.function_name = function_name
        self.handler = handler
        self.interval = every_seconds

    def pump_once(self) -> bool:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "000000000000",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": get_settings().region,
            "resources": [f"arn:aws:events:local:000000000000:rule/marquee-{self.function_name}"],
            "detail": {},
        }
        self.handler(event, LambdaContext(self.function_name))
        self.delivered += 1
        return False  # then wait a full interval
