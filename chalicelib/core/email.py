"""Outgoing e-mail: services ``enqueue`` a message on SQS; the mailer function ``deliver``s it."""

from __future__ import annotations

import uuid

from pydantic import Field

from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.core.schema import Schema


class EmailMessage(Schema):
    message_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    kind: str  # e.g. "verification_code", "order_confirmation"
    to: str
    subject: str
    text: str


def enqueue(message: EmailMessage) -> None:
    client("sqs").send_message(
        QueueUrl=queue_url(get_settings().email_queue_name),
        MessageBody=message.model_dump_json(),
    )


def deliver(message: EmailMessage) -> None:
    client("ses").send_email(
        Source=get_settings().email_sender,
        Destination={"ToAddresses": [message.to]},
        Message={
            "Subject": {"Data": message.subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
        },
    )
