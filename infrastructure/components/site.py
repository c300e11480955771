"""The web client (``web/dist``, built by ``make web``) as a static site: a private bucket
that only CloudFront reads (origin access control), security headers on every answer, and
the ``config.json`` the client reads at start written at deploy time, when the API's URL
(a value CloudFormation only knows then) is injected into it.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infrastructure.nag import acknowledge, arn_ref
from infrastructure.stages import StageSettings


class Site(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        dist: Path,
        api_url: str,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, id)
        if not (dist / "index.html").is_file():
            raise FileNotFoundError(f"{dist}/index.html is missing: run `make web` first")
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="site/",
            # Only build output lives here: a new deploy recreates all of it.
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=False,
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment=f"Marquee {settings.stage} web client",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365),
                    include_subdomains=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Cdn",
            comment=f"Marquee {settings.stage} web client",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        self.url = f"https://{self.distribution.distribution_domain_name}"
        self.config = {
            "apiBaseUrl": api_url,
            "stripeJsUrl": "https://js.stripe.com/v3/",
            "stripePublishableKey": settings.stripe_publishable_key,
        }
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=[
                s3deploy.Source.asset(str(dist)),
                s3deploy.Source.json_data("config.json", self.config),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/index.html", "/config.json"],
            memory_limit=256,
        )
        self._acknowledge_deployment_handler(settings)
        for rule, reason in (
            ("AwsSolutions-CFR1", "The storefront is served worldwide on purpose."),
            (
                "AwsSolutions-CFR2",
                "Static files only: the API behind it has its own throttling and rate "
                "limits, and S3 + CloudFront absorb traffic to these files.",
            ),
            (
                "AwsSolutions-CFR3",
                "The bucket's server access logs record every file fetch; CloudFront "
                "standard logs would need an ACL-enabled bucket for the same information.",
            ),
            (
                "AwsSolutions-CFR4",
                "The default *.cloudfront.net certificate is used, whose viewer policy "
                "CloudFront fixes; a custom domain with TLSv1.2_2021 comes with a certificate.",
            ),
        ):
            acknowledge(self.distribution, rule, reason)

    def _acknowledge_deployment_handler(self, settings: StageSettings) -> None:
        """BucketDeployment copies the build with one Lambda per stack, made by the CDK
        (its runtime, role and policy are the CDK's), which lives at the stack's root."""
        stack = Stack.of(self)
        handler = next(
            c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")
        )
        acknowledge(
            handler,
            "AwsSolutions-L1",
            "The CDK's BucketDeployment handler: its runtime is the one the CDK ships it for.",
        )
        acknowledge(
            handler,
            "AwsSolutions-IAM4",
            "The CDK's BucketDeployment handler logs through the basic execution policy.",
            findings=[
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSLambdaBasicExecutionRole"
            ],
        )
        acknowledge(
            handler,
            "AwsSolutions-IAM5",
            "The CDK's BucketDeployment handler reads the build from the CDK asset bucket "
            "and replaces every object of the site bucket (then invalidates the CDN).",
            findings=[
                "Action::s3:Abort*",
                "Action::s3:DeleteObject*",
                "Action::s3:GetBucket*",
                "Action::s3:GetObject*",
                "Action::s3:List*",
                "Resource::*",
                f"Resource::{arn_ref(self.bucket)}/*",
                "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-"
                f"{settings.region}/*",
            ],
        )
