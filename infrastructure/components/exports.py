"""The box office's CSV exports bucket (``EXPORTS_BUCKET``): private, encrypted, TLS only,
its objects expiring with the export records that point at them. Staff download an export
through a presigned GET the API signs, so no one else ever reads the bucket.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib.boxoffice.exports import KEPT, PREFIX
from infrastructure.nag import acknowledge, arn_ref
from infrastructure.stages import StageSettings

#: An export's objects (its parts and the joined CSV) live as long as its record.
EXPORT_DAYS = KEPT.days


class Exports(Construct):
    def __init__(
        self, scope: Construct, id: str, *, settings: StageSettings, access_logs: s3.IBucket
    ) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="exports/",
            # Sales data of every cinema: kept in prod if the stack goes, like the tables.
            removal_policy=RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-multipart",
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(id="expire-old-exports", expiration=Duration.days(EXPORT_DAYS)),
            ],
        )

    def grant_write(self, role: iam.Role) -> None:
        """The worker writes an export's parts and reads them back to join them."""
        self._grant(role, "s3:PutObject", "s3:GetObject")

    def grant_download(self, role: iam.Role) -> None:
        """The API signs the download links: a presigned GET is authorised as its signer."""
        self._grant(role, "s3:GetObject")

    def _grant(self, role: iam.Role, *actions: str) -> None:
        objects = self.bucket.arn_for_objects(f"{PREFIX}*")
        role.add_to_policy(iam.PolicyStatement(actions=list(actions), resources=[objects]))
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Export objects are keyed per export (any key under the exports prefix).",
            findings=[f"Resource::{arn_ref(self.bucket)}/{PREFIX}*"],
        )
