"""One stack per stage, composing the components and wiring them together: environment
variables from the resources, and each Lambda's grants (all in ``_grant``); plus one stack
per account and region for API Gateway's account settings, which every stage shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from infrastructure.components.access import FUNCTIONS, Access
from infrastructure.components.api import Api, GatewayAccount
from infrastructure.components.data import Data
from infrastructure.components.edge import Edge
from infrastructure.components.exports import Exports
from infrastructure.components.functions import Code, Functions
from infrastructure.components.media import Media
from infrastructure.components.messaging import Messaging
from infrastructure.components.monitoring import Monitoring
from infrastructure.components.search import Search
from infrastructure.components.secrets import Secrets
from infrastructure.components.site import Site
from infrastructure.nag import acknowledge, arn_ref
from infrastructure.stages import StageSettings
from infrastructure.table_access import TABLE_ACCESS
from infrastructure.tables import TableSpec

#: What settling a payment needs: the Stripe keys, and the ring ticket codes are signed
#: with (a sold order's e-mail carries its tickets). Not the JWT ring, which mints tokens.
SETTLEMENT_SECRETS = ("stripe", "ticket")


@dataclass(frozen=True)
class Sources:
    """Everything the stack packages, staged by ``infrastructure.bundles``."""

    chalice_project: Path
    functions: Path
    dependencies: Path
    build_dir: Path
    not_found_body: dict[str, Any]
    web_dist: Path


class GatewayAccountStack(Stack):
    """API Gateway's CloudWatch role is one setting per account and region; every stage's
    stack depends on this one stack instead of each owning (and on deletion, breaking) it.
    Deploying it again from another stage changes nothing."""

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, termination_protection=True, **kwargs)
        GatewayAccount(self, "Gateway")


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
        exports = Exports(self, "Exports", settings=settings, access_logs=media.access_logs)
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
            "BOXOFFICE_QUEUE_NAME": messaging.jobs.queue_name,
            "EXPORTS_BUCKET": exports.bucket.bucket_name,
            "OPENSEARCH_URL": search.url,
            "OPENSEARCH_REPLICAS": str(search.replicas),
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
        Edge(self, "Edge", settings=settings, rest_api_id=api.rest_api_id, stage=api.stage)
        self._grant(roles, data, media, messaging, exports, secrets)
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
            indexer=functions.indexer,
            queues={"Email": messaging.queue, "BoxOffice": messaging.jobs},
            dead_letter_queues={
                "EmailDeadLetters": messaging.dead_letters,
                "BoxOfficeDeadLetters": messaging.job_dead_letters,
                "IndexerFailures": functions.stream_failures,
            },
            search=search.domain,
            search_volume_gib=search.volume_gib,
        )
        CfnOutput(self, "MediaBucketName", value=media.bucket.bucket_name)
        CfnOutput(self, "MediaBaseUrl", value=media.base_url)
        CfnOutput(self, "ExportsBucketName", value=exports.bucket.bucket_name)
        CfnOutput(self, "SearchUrl", value=search.url)
        CfnOutput(self, "SecretsIds", value=secrets.ids)
        CfnOutput(self, "SiteUrl", value=site.url)

    @staticmethod
    def _grant(
        roles: dict[str, iam.Role],
        data: Data,
        media: Media,
        messaging: Messaging,
        exports: Exports,
        secrets: Secrets,
    ) -> None:
        """What each role may do beyond its logs and traces (``Access``), its trigger (the
        event sources grant their own reads) and search (``Search``). Proven by running
        each function under its role: tests/infrastructure/test_permissions.py."""
        assert set(TABLE_ACCESS) == set(FUNCTIONS), "every function states its table access"
        for key, role in roles.items():
            data.grant(role, TABLE_ACCESS[key])

        api = roles["api"]
        bucket = media.bucket
        # Presigned uploads carry the pending tag (PutObjectTagging); attaching one checks
        # it (HeadObject is GetObject) and removes the tag; avatars are shown by presigned
        # GET. Nothing is ever deleted by the API: the lifecycle rule expires what is not
        # attached.
        api.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "s3:PutObject",
                    "s3:PutObjectTagging",
                    "s3:GetObject",
                    "s3:DeleteObjectTagging",
                ],
                resources=[bucket.arn_for_objects("*")],
            )
        )
        # HeadBucket (the health check) is authorised as ListBucket.
        api.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn])
        )
        messaging.grant_send(api, read_attributes=True)
        # Box office: showtime cancellations and exports are queued as jobs; a finished
        # export is handed out as a presigned GET the API signs.
        messaging.grant_send(api, jobs=True)
        exports.grant_download(api)
        secrets.grant_read(api)
        acknowledge(
            api,
            "AwsSolutions-IAM5",
            "Media objects are keyed per upload (any key in the media bucket).",
            findings=[f"Resource::{arn_ref(bucket)}/*"],
        )

        roles["mailer"].add_to_policy(
            iam.PolicyStatement(actions=["ses:SendEmail"], resources=[messaging.identity_arn])
        )

        for settling in (roles["sweeper"], roles["reconciler"], roles["boxoffice"]):
            messaging.grant_send(settling)
            secrets.grant_read(settling, *SETTLEMENT_SECRETS)
        # The worker queues its own next jobs (a cancellation's orders, an export's next
        # chunk) and writes the exports' parts and CSVs (reading the parts back to join).
        messaging.grant_send(roles["boxoffice"], jobs=True)
        exports.grant_write(roles["boxoffice"])
        # The daily summary reads the counters and queues e-mail: no secret, no bucket.
        messaging.grant_send(roles["summary"])
