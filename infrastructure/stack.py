"""One stack per stage, composing the components and wiring them together: environment
variables from the resources, and each Lambda's grants."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from infrastructure.components.access import Access
from infrastructure.components.api import Api
from infrastructure.components.data import Data
from infrastructure.components.functions import Code, Functions
from infrastructure.components.media import Media
from infrastructure.components.messaging import Messaging
from infrastructure.components.monitoring import Monitoring
from infrastructure.components.search import Search
from infrastructure.components.secrets import Secrets
from infrastructure.components.site import Site
from infrastructure.nag import acknowledge, arn_ref
from infrastructure.stages import StageSettings
from infrastructure.tables import TableSpec


@dataclass(frozen=True)
class Sources:
    """Everything the stack packages, staged by ``infrastructure.bundles``."""

    chalice_project: Path
    functions: Path
    dependencies: Path
    build_dir: Path
    not_found_body: dict[str, Any]
    web_dist: Path


class MarqueeStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        tables: list[TableSpec],
        sources: Sources,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        data = Data(self, "Data", settings=settings, specs=tables)
        media = Media(self, "Media", settings=settings)
        messaging = Messaging(self, "Messaging", settings=settings)
        secrets = Secrets(self, "Secrets", settings=settings)
        access = Access(self, "Access", settings=settings)
        roles = access.roles
        search = Search(
            self, "Search", settings=settings, readers=[roles["api"]], writer=roles["indexer"]
        )
        environment = {
            "STAGE": settings.stage,
            "TABLE_PREFIX": settings.prefix,
            "MEDIA_BUCKET": media.bucket.bucket_name,
            "MEDIA_BASE_URL": media.base_url,
            "EMAIL_QUEUE_NAME": messaging.queue.queue_name,
            "EMAIL_SENDER": messaging.sender,
            "OPENSEARCH_URL": search.url,
            **secrets.environment(),
            "CORS_ALLOWED_ORIGINS": settings.frontend_origin,
            "POWERTOOLS_SERVICE_NAME": "marquee",
            "POWERTOOLS_METRICS_NAMESPACE": "Marquee",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        functions = Functions(
            self,
            "Functions",
            settings=settings,
            code=Code(functions=sources.functions, dependencies=sources.dependencies),
            access=access,
            data=data,
            messaging=messaging,
            environment=environment,
        )
        # Stripe and the ticket ring only (they settle orders and mail ticket codes): no JWT
        # key, so neither can mint a token.
        secrets.grant_read(roles["sweeper"], "stripe", "ticket")
        secrets.grant_read(roles["reconciler"], "stripe", "ticket")

        api = Api(
            self,
            "Api",
            settings=settings,
            access=access,
            dependencies=functions.dependencies,
            project_dir=sources.chalice_project,
            build_dir=sources.build_dir,
            environment=environment,
            not_found_body=sources.not_found_body,
        )
        self._grant_api(roles["api"], data, media, messaging, secrets)
        site = Site(
            self,
            "Site",
            settings=settings,
            dist=sources.web_dist,
            api_url=f"https://{api.rest_api_id}.execute-api.{self.region}.{self.url_suffix}"
            f"/{api.stage_name}",
            access_logs=media.access_logs,
        )

        Monitoring(
            self,
            "Monitoring",
            settings=settings,
            api_name=api.api_name,
            api_stage=api.stage_name,
            function_names=access.function_names,
            dead_letter_queues={
                "EmailDeadLetters": messaging.dead_letters,
                "IndexerFailures": functions.stream_failures,
            },
        )
        CfnOutput(self, "MediaBucketName", value=media.bucket.bucket_name)
        CfnOutput(self, "MediaBaseUrl", value=media.base_url)
        CfnOutput(self, "SearchUrl", value=search.url)
        CfnOutput(self, "SecretsIds", value=secrets.ids)
        CfnOutput(self, "SiteUrl", value=site.url)

    @staticmethod
    def _grant_api(
        role: iam.Role, data: Data, media: Media, messaging: Messaging, secrets: Secrets
    ) -> None:
        """The API reads and writes every table, signs uploads to (and deletes from) the
        media bucket, queues e-mail and reads the keys; search reads come from Search."""
        data.grant(role)
        bucket = media.bucket
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                resources=[bucket.arn_for_objects("*")],
            )
        )
        # HeadBucket (the health check) is authorised as ListBucket.
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn])
        )
        # ListTables (the health check) has no resource-level permissions.
        role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:ListTables"], resources=["*"]))
        messaging.queue.grant_send_messages(role)
        secrets.grant_read(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Media objects are keyed per upload (any key in the media bucket); "
            "dynamodb:ListTables has no resource-level permissions.",
            findings=["Resource::*", f"Resource::{arn_ref(bucket)}/*"],
        )
