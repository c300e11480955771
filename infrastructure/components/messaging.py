"""The e-mail queue (API and the other functions -> mailer), the box-office job queue
(API and the worker itself -> box-office worker: showtime cancellations, CSV exports), each
with its dead-letter queue, and the SES sender."""

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
#: The box-office worker's timeout: a batch of jobs, each one Stripe call and one
#: transaction, or one export chunk (``chalicelib.boxoffice.exports.CHUNK`` showtimes).
BOXOFFICE_TIMEOUT = Duration.seconds(120)


class Messaging(Construct):
    def __init__(self, scope: Construct, id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, id)
        self.queue, self.dead_letters = self._queue(
            "Email", f"{settings.prefix}email", MAILER_TIMEOUT
        )
        self.jobs, self.job_dead_letters = self._queue(
            "BoxOffice", f"{settings.prefix}boxoffice", BOXOFFICE_TIMEOUT
        )
        self.sender = settings.email_sender
        self.identity = ses.EmailIdentity(
            self, "Sender", identity=ses.Identity.email(settings.email_sender)
        )
        self.identity_arn = Stack.of(self).format_arn(
            service="ses", resource="identity", resource_name=settings.email_sender
        )

    def _queue(self, id: str, name: str, timeout: Duration) -> tuple[sqs.Queue, sqs.Queue]:
        """A queue its worker (of ``timeout``) consumes, and the dead-letter queue that
        parks what failed ``MAX_RECEIVE_COUNT`` times."""
        dead_letters = sqs.Queue(
            self,
            f"{id}DeadLetters",
            queue_name=f"{name}-dlq",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        queue = sqs.Queue(
            self,
            f"{id}Queue",
            queue_name=name,
            # AWS advises 6x the consumer's timeout, so a batch is never handed out twice
            visibility_timeout=Duration.seconds(timeout.to_seconds() * 6),
            retention_period=Duration.days(4),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=MAX_RECEIVE_COUNT, queue=dead_letters
            ),
        )
        return queue, dead_letters

    def grant_send(
        self, grantee: iam.IGrantable, *, read_attributes: bool = False, jobs: bool = False
    ) -> None:
        """Queueing e-mail (the box-office jobs instead with ``jobs``): the queue's URL,
        then SendMessage (``read_attributes`` for a health check that reads the queue's
        attributes). A batch send is authorised as SendMessage."""
        actions = ["sqs:GetQueueUrl", "sqs:SendMessage"]
        if read_attributes:
            actions.append("sqs:GetQueueAttributes")
        queue = self.jobs if jobs else self.queue
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(actions=actions, resources=[queue.queue_arn])
        )
