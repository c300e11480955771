"""The e-mail queue (API and sweeper -> mailer), its dead-letter queue and the SES sender."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infrastructure.stages import StageSettings

#: After this many failed receives a message moves to the dead-letter queue.
MAX_RECEIVE_COUNT = 5
#: The mailer's timeout; the queue's visibility timeout must be larger (AWS advises 6x).
MAILER_TIMEOUT = Duration.seconds(30)


class Messaging(Construct):
    def __init__(self, scope: Construct, id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, id)
        self.dead_letters = sqs.Queue(
            self,
            "EmailDeadLetters",
            queue_name=f"{settings.prefix}email-dlq",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.queue = sqs.Queue(
            self,
            "EmailQueue",
            queue_name=f"{settings.prefix}email",
            visibility_timeout=Duration.seconds(MAILER_TIMEOUT.to_seconds() * 6),
            retention_period=Duration.days(4),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=MAX_RECEIVE_COUNT, queue=self.dead_letters
            ),
        )
        self.sender = settings.email_sender
        self.identity = ses.EmailIdentity(
            self, "Sender", identity=ses.Identity.email(settings.email_sender)
        )
        self.identity_arn = Stack.of(self).format_arn(
            service="ses", resource="identity", resource_name=settings.email_sender
        )

    def grant_send(self, grantee: iam.IGrantable, *, read_attributes: bool = False) -> None:
        """Queueing e-mail: the queue's URL, then SendMessage (``read_attributes`` for a
        health check that reads the queue's attributes)."""
        actions = ["sqs:GetQueueUrl", "sqs:SendMessage"]
        if read_attributes:
            actions.append("sqs:GetQueueAttributes")
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(actions=actions, resources=[self.queue.queue_arn])
        )
