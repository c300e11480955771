"""CloudWatch alarms: API 5xx, every Lambda's errors and throttles, dead-letter depth.
They notify one SNS topic (e-mailed to ``alarmEmail`` when the context sets it)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

PERIOD = Duration.minutes(5)


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
        dead_letter_queues: dict[str, sqs.IQueue],
    ) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self, "Alarms", display_name=f"Marquee {settings.stage} alarms", enforce_ssl=True
        )
        acknowledge(
            self.topic,
            "AwsSolutions-SNS2",
            "Alarm notifications carry no user data; CloudWatch cannot publish to a topic "
            "encrypted with the AWS-managed SNS key.",
        )
        if settings.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
        self.alarms: dict[str, cloudwatch.Alarm] = {}

        self._alarm(
            "Api5xx",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={"ApiName": api_name, "Stage": api_stage},
                statistic="Sum",
                period=PERIOD,
            ),
            threshold=5,
            description="The API answered 5xx (a 500 is a bug).",
        )
        for key, name in function_names.items():
            for metric_name in ("Errors", "Throttles"):
                self._alarm(
                    f"{key.capitalize()}{metric_name}",
                    cloudwatch.Metric(
                        namespace="AWS/Lambda",
                        metric_name=metric_name,
                        dimensions_map={"FunctionName": name},
                        statistic="Sum",
                        period=PERIOD,
                    ),
                    threshold=1,
                    description=f"Lambda {name}: {metric_name.lower()}.",
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

    def _alarm(
        self, id: str, metric: cloudwatch.IMetric, *, threshold: float, description: str
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms[id] = alarm
