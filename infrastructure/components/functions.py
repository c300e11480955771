"""The event-driven Lambdas of ``functions/`` and their triggers:

- mailer: the e-mail queue, in batches, reporting partial batch failures, at most
  ``mailerConcurrency`` at once and each paced so together they stay under the SES rate;
- indexer: DynamoDB Streams of the streamed (movies) table, bisecting failed batches and
  sending what still fails to an on-failure queue;
- sweeper: an EventBridge schedule every minute, and a daily one for the tidy-ups that
  scan tables;
- reconciler: an EventBridge schedule every minute (settles payments whose webhook was lost).

The scheduled functions run one at a time and are never retried: a run that fails or
times out is followed by the next scheduled one, never overlapped by its own retry.

Every function has reserved concurrency (``StageSettings.concurrency``). Their grants are
made by the stack, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
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
#: Messages the mailer takes from the queue per invocation.
MAILER_BATCH = 10
#: Each scheduled function's schedules: the rule sends ``{"cadence": <name>}`` (the sweeper
#: runs its daily tasks on the daily one: ``functions.sweeper.tasks_for``).
SCHEDULES = {
    "sweeper": {"minute": Duration.minutes(1), "daily": Duration.days(1)},
    "reconciler": {"minute": Duration.minutes(1)},
}
SCHEDULED_HANDLERS = {
    "sweeper": "functions.sweeper.handler",
    "reconciler": "functions.reconciler.handler",
}


@dataclass(frozen=True)
class Code:
    functions: Path  # chalicelib + functions
    dependencies: Path  # the layer directory


def mailer_send_rate(settings: StageSettings) -> float:
    """Messages per second one mailer may send, so all of them stay under the SES rate."""
    rate = settings.ses_max_send_rate / settings.concurrency.mailer
    if MAILER_BATCH / rate >= MAILER_TIMEOUT.to_seconds():
        raise ValueError(
            f"a batch of {MAILER_BATCH} at {rate:.2f}/s outlasts the mailer's timeout: "
            "raise sesMaxSendRate (after raising the SES quota) or lower mailerConcurrency"
        )
    return rate


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
        concurrency = settings.concurrency

        def function(
            key: str,
            handler: str,
            timeout: Duration,
            env: dict[str, str],
            reserved: int,
            **options: object,
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
                reserved_concurrent_executions=reserved,
                environment={
                    **{k: environment[k] for k in COMMON_ENV},
                    **env,
                    "POWERTOOLS_SERVICE_NAME": f"marquee-{key}",
                },
                **options,  # type: ignore[arg-type]
            )
            acknowledge(fn, *RUNTIME_ACKNOWLEDGMENT)
            self.functions[key] = fn
            return fn

        # mailer: sends SES e-mail, remembers sent messages in the idempotency table.
        mailer = function(
            "mailer",
            "functions.mailer.handler",
            MAILER_TIMEOUT,
            {
                **{k: environment[k] for k in ("EMAIL_SENDER", "EMAIL_QUEUE_NAME")},
                "EMAIL_SEND_RATE": f"{mailer_send_rate(settings):g}",
            },
            reserved=concurrency.mailer,
        )
        mailer.add_event_source(
            sources.SqsEventSource(
                messaging.queue,
                batch_size=MAILER_BATCH,
                max_batching_window=Duration.seconds(5),
                report_batch_item_failures=True,
                max_concurrency=concurrency.mailer,
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
        self.indexer = function(
            "indexer",
            "functions.indexer.handler",
            Duration.seconds(60),
            {k: environment[k] for k in ("OPENSEARCH_URL", "OPENSEARCH_REPLICAS")},
            reserved=concurrency.indexer,
        )
        acknowledge(
            access.roles["indexer"],
            "AwsSolutions-IAM5",
            "dynamodb:ListStreams has no resource-level permissions; the stream reads "
            "themselves are limited to the streamed tables' streams.",
            findings=["Resource::*"],
        )
        for table in data.streamed:
            self.indexer.add_event_source(
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

        # sweeper: tidies every area's expired items; may settle or cancel PaymentIntents
        # and mail. reconciler: asks Stripe about waiting orders, sells or expires and
        # refunds them, and mails the outcome. Both issue tickets when they sell, so both
        # read the Stripe keys and the ticket ring (an e-mail carries ticket codes), and no
        # other secret: neither can mint a token.
        for key, handler in SCHEDULED_HANDLERS.items():
            scheduled = function(
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
                reserved=concurrency.scheduled,
                retry_attempts=0,
                max_event_age=Duration.seconds(60),
            )
            for cadence, every in SCHEDULES[key].items():
                events.Rule(
                    self,
                    f"{key.capitalize()}{cadence.capitalize()}",
                    schedule=events.Schedule.rate(every),
                    targets=[
                        targets.LambdaFunction(
                            scheduled,
                            event=events.RuleTargetInput.from_object({"cadence": cadence}),
                            retry_attempts=0,
                        )
                    ],
                )


#: Environment every function gets: which stage, which tables, how to log.
COMMON_ENV = ("STAGE", "TABLE_PREFIX", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL")
