"""CloudWatch alarms, and who hears them.

Every alarm notifies one SNS topic, e-mailed to ``alarmEmail`` (comma-separated), and an
existing ``alarmTopicArn`` (a pager, a chat channel) when the context names one; a prod
synthesis refuses to run with neither (``infrastructure.stages``).

What is watched: the API's 5xx rate and the p99 latency of ``POST /orders``; every
Lambda's errors and throttles; the indexer's stream lag (IteratorAge); the age of the
oldest queued e-mail and box-office job; the dead-letter queues; the search domain's red
and yellow status and free storage; and the failures the sweeper and the reconciler count
instead of raising.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.core.observability import (
    NAMESPACE,
    RECONCILE_FAILURES,
    SERVICE,
    SWEEP_FAILURES,
)
from infrastructure.stages import StageSettings

PERIOD = Duration.minutes(5)
#: Metrics the functions emit (``chalicelib.core.observability.count_failure``) when they
#: count a failure instead of raising: alarm name -> metric name.
FAILURE_METRICS = {"SweepFailures": SWEEP_FAILURES, "ReconcileFailures": RECONCILE_FAILURES}
#: The API's 5xx share (percent) that alarms, once a period has this many requests.
API_5XX_PERCENT = 1
API_5XX_MIN_REQUESTS = 20
ORDERS_P99_MS = 3000
STREAM_LAG_MS = 5 * 60 * 1000
#: The age of a queue's oldest message that alarms: e-mail should leave within minutes; a
#: box-office job (a refund of a cancelled showtime, an export chunk) as well.
QUEUE_AGE_SECONDS = {"Email": 15 * 60, "BoxOffice": 15 * 60}
#: Alarm when the search volume has less than this share left.
FREE_STORAGE_SHARE = 0.25


def _count(namespace: str, metric_name: str, **dimensions: str) -> cloudwatch.Metric:
    """How many times something happened in a period (alarmed from one)."""
    return cloudwatch.Metric(
        namespace=namespace,
        metric_name=metric_name,
        dimensions_map=dimensions,
        statistic="Sum",
        period=PERIOD,
    )


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        api_name: str,
        api_stage: str,
        function_names: dict[str, str],
        indexer: lambda_.IFunction,
        queues: dict[str, sqs.IQueue],
        dead_letter_queues: dict[str, sqs.IQueue],
        search: opensearch.Domain,
        search_volume_gib: int,
    ) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self, "Alarms", display_name=f"Marquee {settings.stage} alarms", enforce_ssl=True
        )
        for address in settings.alarm_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(address))
        self.targets: list[sns.ITopic] = [self.topic]
        if settings.alarm_topic_arn:
            self.targets.append(
                sns.Topic.from_topic_arn(self, "AlarmTarget", settings.alarm_topic_arn)
            )
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        api = {"ApiName": api_name, "Stage": api_stage}

        def gateway(metric: str, statistic: str, **dimensions: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name=metric,
                dimensions_map={**api, **dimensions},
                statistic=statistic,
                period=PERIOD,
            )

        self._alarm(
            "Api5xxRate",
            cloudwatch.MathExpression(
                expression=(f"IF(requests >= {API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)"),
                using_metrics={
                    "errors": gateway("5XXError", "Sum"),
                    "requests": gateway("Count", "SampleCount"),
                },
                period=PERIOD,
                label="5xx share of requests (%)",
            ),
            threshold=API_5XX_PERCENT,
            description=f"Over {API_5XX_PERCENT}% of API requests answered 5xx (a 500 is a bug).",
        )
        self._alarm(
            "OrdersLatencyP99",
            gateway("Latency", "p99", Method="POST", Resource="/orders"),
            threshold=ORDERS_P99_MS,
            periods=(3, 2),
            description=f"p99 latency of POST /orders above {ORDERS_P99_MS} ms.",
        )
        for key, name in function_names.items():
            for metric_name in ("Errors", "Throttles"):
                self._alarm(
                    f"{key.capitalize()}{metric_name}",
                    _count("AWS/Lambda", metric_name, FunctionName=name),
                    threshold=1,
                    description=f"Lambda {name}: {metric_name.lower()}.",
                )
        self._alarm(
            "IndexerIteratorAge",
            indexer.metric("IteratorAge", statistic="Maximum", period=PERIOD),
            threshold=STREAM_LAG_MS,
            description="Search is falling behind the movies table (stream records waiting).",
        )
        for key, queue in queues.items():
            self._alarm(
                f"{key}QueueAge",
                queue.metric_approximate_age_of_oldest_message(statistic="Maximum", period=PERIOD),
                threshold=QUEUE_AGE_SECONDS[key],
                description=f"A message has waited in the {key} queue for "
                f"{QUEUE_AGE_SECONDS[key] // 60} minutes (its worker, or what it calls, is stuck).",
            )
        for key, queue in dead_letter_queues.items():
            self._alarm(
                f"{key}Depth",
                queue.metric_approximate_number_of_messages_visible(
                    statistic="Maximum", period=Duration.minutes(1)
                ),
                threshold=1,
                description=f"Messages are waiting in {key}: something failed for good.",
            )
        self._alarm(
            "SearchRed",
            search.metric_cluster_status_red(period=Duration.minutes(1)),
            threshold=1,
            description="The search domain is red: some primary shard is unassigned.",
        )
        self._alarm(
            "SearchYellow",
            search.metric_cluster_status_yellow(period=PERIOD),
            threshold=1,
            periods=(3, 3),
            description="The search domain has been yellow for 15 minutes (replicas missing).",
        )
        free_mib = search_volume_gib * 1024 * FREE_STORAGE_SHARE
        self._alarm(
            "SearchFreeStorage",
            search.metric_free_storage_space(statistic="Minimum", period=PERIOD),
            threshold=free_mib,
            below=True,
            description=f"Less than {FREE_STORAGE_SHARE:.0%} of a search node's volume is free.",
        )
        for alarm_name, metric_name in FAILURE_METRICS.items():
            self._alarm(
                alarm_name,
                _count(NAMESPACE, metric_name, service=SERVICE),
                threshold=1,
                description=f"{metric_name}: a scheduled task failed and carried on.",
            )

    def _alarm(
        self,
        id: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        description: str,
        periods: tuple[int, int] = (1, 1),
        below: bool = False,
    ) -> None:
        evaluation, datapoints = periods
        alarm = cloudwatch.Alarm(
            self,
            id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation,
            datapoints_to_alarm=datapoints,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
            if below
            else cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        for target in self.targets:
            alarm.add_alarm_action(actions.SnsAction(target))
        self.alarms[id] = alarm
