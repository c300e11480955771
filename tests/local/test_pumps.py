"""The local pumps hand real event shapes to the very handlers Lambda runs."""

import time
from typing import Any

from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.core.email import EmailMessage, enqueue
from functions import indexer, mailer
from local.pumps import SqsPump, StreamPump
from tests.support.widgets import Widget


class Recorder:
    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        return self.handler(event, context)


def _pump_until(pump: Any, predicate: Any, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pump.pump_once()
        if predicate():
            return
    raise AssertionError("the pump delivered nothing in time")


def _sent_count() -> int:
    return int(client("ses").get_send_quota()["SentLast24Hours"])


def _queue_counts() -> tuple[int, int]:
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=queue_url(get_settings().email_queue_name),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_sqs_pump_delivers_a_message_to_the_mailer_and_deletes_it() -> None:
    before = _sent_count()
    message = EmailMessage(kind="test", to="ann@example.com", subject="Hi", text="Hello")
    enqueue(message)
    recorder = Recorder(mailer.handler)
    pump = SqsPump(get_settings().email_queue_name, recorder)
    _pump_until(pump, lambda: recorder.events)

    record = recorder.events[0]["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert EmailMessage.model_validate_json(record["body"]) == message
    assert _sent_count() == before + 1
    assert _queue_counts() == (0, 0)


def test_a_poison_message_is_kept_for_retry_and_does_not_block_the_rest() -> None:
    sqs = client("sqs")
    url = queue_url(get_settings().email_queue_name)
    sqs.send_message(QueueUrl=url, MessageBody="{not json")
    enqueue(EmailMessage(kind="test", to="bob@example.com", subject="Hi", text="Hello"))
    before = _sent_count()
    recorder = Recorder(mailer.handler)
    pump = SqsPump(get_settings().email_queue_name, recorder)
    _pump_until(pump, lambda: _sent_count() == before + 1)
    visible, in_flight = _queue_counts()
    assert visible + in_flight == 1  # only the poison message remains


def test_stream_pump_delivers_a_change_record_to_the_indexer() -> None:
    recorder = Recorder(indexer.handler)
    pump = StreamPump(Widget.Meta.table_name, recorder)
    pump._discover(initial=True)
    Widget(group="g", widget_id="w1", size=3).save()
    _pump_until(pump, lambda: recorder.events)

    record = recorder.events[0]["Records"][0]
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventName"] == "INSERT"
    assert record["dynamodb"]["NewImage"]["widget_id"] == {"S": "w1"}
    assert record["eventSourceARN"].startswith("arn:aws:dynamodb")
