"""Creates every resource the application expects, idempotently: tables (with GSIs, TTL
and streams, from the pynamodb models), the media bucket with CORS for browser uploads,
the private exports bucket, the e-mail and box-office queues with their dead-letter
queues, the SES sender identity, the secrets (keys and Stripe) and the localstripe webhook
pointing at the local API.
"""

from __future__ import annotations

import json

import requests

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import create_missing_tables
from chalicelib.core.secrets import reset_secrets, stripe_webhook_secret
from local.env import LOCAL_SECRETS

DLQ_MAX_RECEIVE_COUNT = 5
STRIPE_WEBHOOK_ID = "marquee-local"


def create_bucket() -> None:
    settings = get_settings()
    s3 = client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.media_bucket not in existing:
        s3.create_bucket(Bucket=settings.media_bucket)
    if settings.exports_bucket not in existing:
        s3.create_bucket(Bucket=settings.exports_bucket)  # private: presigned GETs only
    s3.put_bucket_cors(
        Bucket=settings.media_bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": list(settings.cors_allowed_origins),
                    "AllowedMethods": ["POST", "GET", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
    )


def queue_names() -> tuple[str, ...]:
    settings = get_settings()
    return (settings.email_queue_name, settings.boxoffice_queue_name)


def create_queues() -> None:
    """Each work queue with its dead-letter queue."""
    sqs = client("sqs")
    for name in queue_names():
        dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        redrive = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": DLQ_MAX_RECEIVE_COUNT}
        )
        sqs.create_queue(
            QueueName=name, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "30"}
        )


def reset_queues() -> None:
    """Empty the queues at once (SQS allows one purge a minute; recreating has no limit)."""
    sqs = client("sqs")
    for name in queue_names():
        for queue in (name, f"{name}-dlq"):
            sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=queue)["QueueUrl"])
    create_queues()


def verify_sender() -> None:
    client("ses").verify_email_identity(EmailAddress=get_settings().email_sender)


def create_secrets() -> None:
    """The local key rings and Stripe keys, under the ids the local environment names."""
    secretsmanager = client("secretsmanager")
    for field, (_, value) in LOCAL_SECRETS.items():
        secret_id = getattr(get_settings(), field)
        try:
            secretsmanager.create_secret(Name=secret_id, SecretString=json.dumps(value))
        except secretsmanager.exceptions.ResourceExistsException:
            secretsmanager.put_secret_value(SecretId=secret_id, SecretString=json.dumps(value))
    reset_secrets()


def register_stripe_webhook(api_url: str) -> None:
    """Tell localstripe to send signed events to the local API's webhook route."""
    settings = get_settings()
    response = requests.post(
        f"{settings.stripe_api_base}/_config/webhooks/{STRIPE_WEBHOOK_ID}",
        data={
            "url": f"{api_url}/payments/stripe/webhook",
            "secret": stripe_webhook_secret(),
        },
        timeout=10,
    )
    response.raise_for_status()


def bootstrap() -> list[str]:
    """Everything but the webhook (which needs the API's address). Returns created tables."""
    created = create_missing_tables()
    create_bucket()
    create_queues()
    verify_sender()
    create_secrets()
    return created
