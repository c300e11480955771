"""The event-driven Lambdas of ``functions/`` and their triggers:

- mailer: the e-mail queue, in batches, reporting partial batch failures, at most
  ``mailerConcurrency`` at once and each paced so together they stay under the SES rate;
- indexer: DynamoDB Streams of the streamed (movies) table, bisecting failed batches and
  sending what still fails to an on-failure queue;
- sweeper: an EventBridge schedule every minute, and a daily one for the tidy-ups that
  scan tables;
- reconciler: an EventBridge schedule every minute (settles payments whose webhook was lost);
- boxoffice: the box-office job queue (showtime cancellations fanned out one order per
  message, CSV exports one chunk per message), in batches, reporting partial batch failures;
- summary: an EventBridge schedule once a day, early morning where the cinemas are (the
  box office's daily summary e-mail).

The scheduled functions run one at a time and are never retried: a run that fails or
times out is followed by the next scheduled one, never overlapped by its own retry.

Every function has reserved concurrency (``StageSettings.concurrency``). Their grants are
made by the stack, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.core.config import Settings
from infrastructure.components.access import Access
from infrastructure.components.data import Data
from infrastructure.components.messaging import BOXOFFICE_TIMEOUT, MAILER_TIMEOUT, Messaging
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
#: Jobs the box-office worker takes per invocation (each well inside a tenth of its timeout).
BOXOFFICE_BATCH = 5
#: The local hour (where the cinemas are) the daily summary of the day before is sent.
SUMMARY_LOCAL_HOUR = 6


def summary_schedule() -> events.Schedule:
    """Daily at ``SUMMARY_LOCAL_HOUR`` in the cinemas' zone (``CINEMA_TIMEZONE``'s default),
    as a UTC cron (EventBridge rules run on UTC): refused for a zone with daylight saving
    time, where one fixed UTC hour would drift by an hour for half the year."""
    zone = ZoneInfo(str(Settings.model_fields["cinema_timezone"].default))
    offsets = {datetime(2026, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    if len(offsets) != 1:
        raise ValueError(f"{zone} has daylight saving time: schedule the summary per season")
    (offset,) = offsets
    assert offset is not None
    utc_hour = (SUMMARY_LOCAL_HOUR - int(offset.total_seconds()) // 3600) % 24
    return events.Schedule.cron(minute="0", hour=str(utc_hour))


#: Each scheduled function's schedules: the rule sends ``{"cadence": <name>}`` (the sweeper
#: runs its daily tasks on the daily one: ``functions.sweeper.tasks_for``).
SCHEDULES = {
    "sweeper": {
        "minute": events.Schedule.rate(Duration.minutes(1)),
        "daily": events.Schedule.rate(Duration.days(1)),
    },
    "reconciler": {"minute": events.Schedule.rate(Duration.minutes(1))},
    "summary": {"daily": summary_schedule()},
}
SCHEDULED_HANDLERS = {
    "sweeper": "functions.sweeper.handler",
    "reconciler": "functions.reconciler.handler",
    "summary": "functions.daily_summary.handler",
}
#: What settling a payment needs (the sweeper, the reconciler, the box-office worker): mail,
#: the Stripe keys and the ticket ring (a sold order's e-mail carries its tickets).
SETTLEMENT_ENV = ("EMAIL_QUEUE_NAME", "EMAIL_SENDER", "STRIPE_SECRET_ID", "TICKET_KEYS_SECRET_ID")
#: The environment of each scheduled function beyond ``COMMON_ENV``: the summary only mails.
SCHEDULED_ENV = {
    "sweeper": SETTLEMENT_ENV,
    "reconciler": SETTLEMENT_ENV,
    "summary": ("EMAIL_QUEUE_NAME", "EMAIL_SENDER"),
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

        # boxoffice: cancels a showtime's orders (refunds and cancels PaymentIntents, and
        # settles a payment that arrives after the cancellation, as the reconciler does:
        # the settlement keys) and writes CSV exports; queues its own next jobs and mail.
        boxoffice = function(
            "boxoffice",
            "functions.boxoffice.handler",
            BOXOFFICE_TIMEOUT,
            {
                k: environment[k]
                for k in (*SETTLEMENT_ENV, "BOXOFFICE_QUEUE_NAME", "EXPORTS_BUCKET")
            },
            reserved=concurrency.boxoffice,
        )
        boxoffice.add_event_source(
            sources.SqsEventSource(
                messaging.jobs,
                batch_size=BOXOFFICE_BATCH,
                report_batch_item_failures=True,
                max_concurrency=concurrency.boxoffice,
            )
        )

        # sweeper: tidies every area's expired items; may settle or cancel PaymentIntents
        # and mail. reconciler: asks Stripe about waiting orders, sells or expires and
        # refunds them, and mails the outcome. Both issue tickets when they sell, so both
        # read the Stripe keys and the ticket ring (an e-mail carries ticket codes), and no
        # other secret: neither can mint a token. summary: reads the counters and mails.
        for key, handler in SCHEDULED_HANDLERS.items():
            scheduled = function(
                key,
                handler,
                Duration.seconds(55),
                {k: environment[k] for k in SCHEDULED_ENV[key]},
                reserved=concurrency.scheduled,
                retry_attempts=0,
                max_event_age=Duration.seconds(60),
            )
            for cadence, schedule in SCHEDULES[key].items():
                events.Rule(
                    self,
                    f"{key.capitalize()}{cadence.capitalize()}",
                    schedule=schedule,
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
