"""The event-driven Lambdas of ``functions/`` and their triggers:

- mailer: the e-mail queue, in batches, reporting partial batch failures;
- indexer: DynamoDB Streams of the streamed (movies) table, bisecting failed batches and
  sending what still fails to an on-failure queue;
- sweeper: an EventBridge schedule, every minute;
- reconciler: an EventBridge schedule, every minute (settles payments whose webhook was lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infrastructure.components.access import Access
from infrastructure.components.data import Data
from infrastructure.components.messaging import MAILER_TIMEOUT, Messaging
from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

RUNTIME = lambda_.Runtime.PYTHON_3_11
ARCHITECTURE = lambda_.Architecture.X86_64

RUNTIME_ACKNOWLEDGMENT = (
    "AwsSolutions-L1",
    "Pinned to Python 3.11, the version the code is written and tested for "
    "(pyproject requires-python) and the ABI of the bundled compiled dependencies.",
)


@dataclass(frozen=True)
class Code:
    functions: Path  # chalicelib + functions
    dependencies: Path  # the layer directory


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        code: Code,
        access: Access,
        data: Data,
        messaging: Messaging,
        environment: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(code.dependencies)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Marquee runtime dependencies (requirements.txt, incl. Powertools)",
        )
        asset = lambda_.Code.from_asset(str(code.functions))
        self.functions: dict[str, lambda_.Function] = {}

        def function(
            key: str, handler: str, timeout: Duration, env: dict[str, str]
        ) -> lambda_.Function:
            fn = lambda_.Function(
                self,
                key.capitalize(),
                function_name=access.function_names[key],
                code=asset,
                handler=handler,
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                layers=[self.dependencies],
                role=access.roles[key],
                log_group=access.log_groups[key],
                memory_size=512,
                timeout=timeout,
                tracing=lambda_.Tracing.ACTIVE,
                environment={
                    **{k: environment[k] for k in COMMON_ENV},
                    **env,
                    "POWERTOOLS_SERVICE_NAME": f"marquee-{key}",
                },
            )
            acknowledge(fn, *RUNTIME_ACKNOWLEDGMENT)
            self.functions[key] = fn
            return fn

        # mailer: sends SES e-mail, remembers sent messages in the idempotency table.
        mailer = function(
            "mailer",
            "functions.mailer.handler",
            MAILER_TIMEOUT,
            {k: environment[k] for k in ("EMAIL_SENDER", "EMAIL_QUEUE_NAME")},
        )
        mailer.add_event_source(
            sources.SqsEventSource(
                messaging.queue,
                batch_size=10,
                max_batching_window=Duration.seconds(5),
                report_batch_item_failures=True,
            )
        )
        data.grant(mailer, "idempotency")
        access.roles["mailer"].add_to_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendRawEmail"], resources=[messaging.identity_arn]
            )
        )

        # indexer: reads the movies stream, writes the search index (granted by Search).
        self.stream_failures = sqs.Queue(
            self,
            "IndexerFailures",
            queue_name=f"{settings.prefix}indexer-failures",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        acknowledge(
            self.stream_failures,
            "AwsSolutions-SQS3",
            "This queue is itself the on-failure destination of the indexer's stream "
            "mapping (it holds failed batch descriptions).",
        )
        indexer = function(
            "indexer",
            "functions.indexer.handler",
            Duration.seconds(60),
            {"OPENSEARCH_URL": environment["OPENSEARCH_URL"]},
        )
        acknowledge(
            access.roles["indexer"],
            "AwsSolutions-IAM5",
            "dynamodb:ListStreams has no resource-level permissions; the stream reads "
            "themselves are limited to the streamed tables' streams.",
            findings=["Resource::*"],
        )
        for table in data.streamed:
            indexer.add_event_source(
                sources.DynamoEventSource(
                    table,
                    starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                    batch_size=100,
                    bisect_batch_on_error=True,
                    retry_attempts=5,
                    max_record_age=Duration.days(1),
                    report_batch_item_failures=True,
                    on_failure=sources.SqsDlq(self.stream_failures),
                )
            )

        def every_minute(key: str, handler: str, rule_id: str) -> lambda_.Function:
            """A scheduled function that mails what it did. It reads the Stripe keys and the
            ticket ring (a settled order's e-mail carries ticket codes), no other secret."""
            fn = function(
                key,
                handler,
                Duration.seconds(55),
                {
                    k: environment[k]
                    for k in (
                        "EMAIL_QUEUE_NAME",
                        "EMAIL_SENDER",
                        "STRIPE_SECRET_ID",
                        "TICKET_KEYS_SECRET_ID",
                    )
                },
            )
            events.Rule(
                self,
                rule_id,
                schedule=events.Schedule.rate(Duration.minutes(1)),
                targets=[targets.LambdaFunction(fn, retry_attempts=0)],
            )
            messaging.queue.grant_send_messages(fn)
            return fn

        # sweeper: tidies every area's expired items; may cancel PaymentIntents and mail.
        sweeper = every_minute("sweeper", "functions.sweeper.handler", "EveryMinute")
        data.grant(sweeper)

        # reconciler: asks Stripe about waiting orders, sells or expires and refunds them,
        # and mails the outcome; it touches only the booking tables it settles with.
        reconciler = every_minute(
            "reconciler", "functions.reconciler.handler", "ReconcileEveryMinute"
        )
        data.grant(reconciler, *RECONCILER_TABLES)


#: What settling a payment reads and writes: the order, its seats, tickets and coupon, and
#: the customer's address for the e-mail.
RECONCILER_TABLES = ("orders", "seats", "tickets", "user-coupons", "users")

#: Environment every function gets: which stage, which tables, how to log.
COMMON_ENV = ("STAGE", "TABLE_PREFIX", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL")
