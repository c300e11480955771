"""The media bucket (posters, stills, avatars) and the bucket receiving its access logs."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: Uploads (``chalicelib/media/uploads.py``: ``avatars/<user>/``, ``posters/``, ``stills/``)
#: go straight to their final key, so "abandoned" cannot be told by prefix. The contract:
#: a presigned POST carries this object tag and attaching the upload removes it; objects
#: still tagged after ``ABANDONED_UPLOAD_DAYS`` were never attached and expire.
PENDING_UPLOAD_TAG = ("marquee-upload", "pending")
ABANDONED_UPLOAD_DAYS = 2


class Media(Construct):
    def __init__(self, scope: Construct, id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=removal,
            auto_delete_objects=False,
        )
        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This bucket receives the media bucket's access logs; logging its own access "
            "would recurse.",
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="media/",
            removal_policy=removal,
            cors=[
                s3.CorsRule(
                    # The browser POSTs the file straight to S3 with the presigned form.
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                    allowed_origins=[settings.frontend_origin],
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-multipart",
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="expire-abandoned-uploads",
                    tag_filters=dict([PENDING_UPLOAD_TAG]),
                    expiration=Duration.days(ABANDONED_UPLOAD_DAYS),
                ),
            ],
        )
