"""The media bucket (posters, stills, avatars), the bucket receiving its access logs, and
the CDN that serves the images (``MEDIA_BASE_URL``): the bucket itself stays private and
only CloudFront reads it (origin access control), and never an upload still pending; the
bucket is versioned, so an overwritten or deleted image can be restored for a month; the
CDN adds the usual security headers (HSTS, nosniff, frame and referrer policies).
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib.media.uploads import PENDING_TAG as PENDING_UPLOAD_TAG
from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: Uploads (``chalicelib/media/uploads.py``: ``avatars/<user>/``, ``posters/``, ``stills/``)
#: go straight to their final key, so "abandoned" cannot be told by prefix. The contract:
#: a presigned POST carries this object tag and attaching the upload removes it; objects
#: still tagged after ``ABANDONED_UPLOAD_DAYS`` were never attached and expire.
ABANDONED_UPLOAD_DAYS = 2
#: How long a replaced or deleted image version is kept (the bucket is versioned).
NONCURRENT_VERSION_DAYS = 30


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
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="media/",
            versioned=True,
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
                s3.LifecycleRule(
                    id="expire-old-versions",
                    noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
                    expired_object_delete_marker=True,
                ),
            ],
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Cdn",
            comment=f"Marquee {settings.stage} media",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        self.base_url = f"https://{self.distribution.distribution_domain_name}"
        # An upload is public only once attached: until then (tagged pending) the CDN may
        # not read it, whoever learns its key.
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
                actions=["s3:GetObject"],
                resources=[self.bucket.arn_for_objects("*")],
                conditions={
                    "StringEquals": {
                        f"s3:ExistingObjectTag/{PENDING_UPLOAD_TAG[0]}": PENDING_UPLOAD_TAG[1]
                    }
                },
            )
        )
        for rule, reason in (
            ("AwsSolutions-CFR1", "Posters and avatars are served worldwide on purpose."),
            (
                "AwsSolutions-CFR2",
                "Static, public images only (no forms, no API); S3 and CloudFront absorb "
                "the traffic, so a WAF would add cost without protecting anything.",
            ),
            (
                "AwsSolutions-CFR3",
                "The bucket's server access logs record every object fetch; CloudFront "
                "standard logs would need an ACL-enabled bucket for the same information.",
            ),
            (
                "AwsSolutions-CFR4",
                "The default *.cloudfront.net certificate is used, whose viewer policy "
                "CloudFront fixes; a custom domain with TLSv1.2_2021 comes with a certificate.",
            ),
        ):
            acknowledge(self.distribution, rule, reason)
