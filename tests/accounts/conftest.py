"""Fixtures for the accounts tests: a mailbox that reads what the mailer sent."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from functions import mailer
from local.pumps import LambdaContext, sqs_record

CODE = re.compile(r"\b(\d{6})\b")


class Mailbox:
    """Runs the real mailer over the queue (as the SQS pump would) and reads the
    ``.eml`` files it writes to the outbox during this test."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        self.seen = set(outbox.glob("*.eml")) if outbox.exists() else set()

    def deliver(self) -> int:
        sqs = client("sqs")
        url = queue_url(get_settings().email_queue_name)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        delivered = 0
        while True:
            received = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not received:
                return delivered
            event = {"Records": [sqs_record(m, arn) for m in received]}
            result = mailer.handler(event, LambdaContext("mailer"))
            assert result == {"batchItemFailures": []}
            for message in received:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            delivered += len(received)

    def messages(self, to: str | None = None) -> list[Message]:
        """Messages sent during this test, oldest first."""
        self.deliver()
        files = sorted(p for p in self.outbox.glob("*.eml") if p not in self.seen)
        found = [message_from_bytes(p.read_bytes()) for p in files]
        return [m for m in found if to is None or m["To"] == to]

    def code_for(self, address: str) -> str:
        sent = self.messages(address)
        assert sent, f"no e-mail was sent to {address}"
        body = sent[-1].get_payload(decode=True)
        assert isinstance(body, bytes)
        match = CODE.search(body.decode())
        assert match, "the e-mail carries no code"
        return match.group(1)


@pytest.fixture
def mailbox() -> Mailbox:
    outbox = get_settings().outbox_dir
    assert outbox
    return Mailbox(Path(outbox))
