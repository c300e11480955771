"""One IAM role per Lambda, created before the resources that name them (the search
domain's access policy names the API and indexer roles). Each starts with only its own log
group and X-Ray; the components that own a resource grant the rest, action by action.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: Role key -> Lambda function name suffix.
FUNCTIONS = {
    "api": "api",
    "mailer": "mailer",
    "indexer": "indexer",
    "sweeper": "sweeper",
    "reconciler": "reconciler",
    "boxoffice": "boxoffice",
    "summary": "summary",
}


class Access(Construct):
    def __init__(self, scope: Construct, id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, id)
        self.roles: dict[str, iam.Role] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        self.function_names: dict[str, str] = {}
        retention = (
            logs.RetentionDays.THREE_MONTHS if settings.prod else logs.RetentionDays.TWO_WEEKS
        )
        for key, suffix in FUNCTIONS.items():
            name = f"{settings.prefix}{suffix}"
            title = key.capitalize()
            log_group = logs.LogGroup(
                self,
                f"{title}Logs",
                log_group_name=f"/aws/lambda/{name}",
                retention=retention,
                removal_policy=RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY,
            )
            role = iam.Role(
                self,
                f"{title}Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"Marquee {settings.stage} {key} Lambda",
            )
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[log_group.log_group_arn],
                )
            )
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                    resources=["*"],
                )
            )
            acknowledge(
                role,
                "AwsSolutions-IAM5",
                "X-Ray trace submission has no resource-level permissions.",
                findings=["Resource::*"],
            )
            self.roles[key] = role
            self.log_groups[key] = log_group
            self.function_names[key] = name
