"""Bucket, queues, e-mail identity, search domain and alarms (CDK assertions)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infrastructure.components.media import PENDING_UPLOAD_TAG
from local.bootstrap import DLQ_MAX_RECEIVE_COUNT
from tests.infrastructure.helpers import functions, ref_id, resources


@pytest.fixture(scope="session")
def assertions(template: dict[str, Any]) -> Template:
    return Template.from_json(template)


def test_media_bucket_is_private_encrypted_tls_only_with_upload_cors_and_lifecycle(
    synth: Any, assertions: Template
) -> None:
    origin = "https://marquee.example.com" if synth.stage == "prod" else "http://localhost:3000"
    assertions.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": Match.object_like({}),
            "CorsConfiguration": {
                "CorsRules": [
                    Match.object_like(
                        {"AllowedOrigins": [origin], "AllowedMethods": Match.array_with(["POST"])}
                    )
                ]
            },
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like({"AbortIncompleteMultipartUpload": Match.any_value()}),
                        Match.object_like(
                            {
                                "TagFilters": [
                                    {"Key": PENDING_UPLOAD_TAG[0], "Value": PENDING_UPLOAD_TAG[1]}
                                ],
                                "ExpirationInDays": Match.any_value(),
                            }
                        ),
                    ]
                )
            },
            "LoggingConfiguration": Match.object_like({}),
        },
    )
    # enforceSSL: every bucket denies requests without TLS.
    policies = assertions.find_resources("AWS::S3::BucketPolicy")
    assert len(policies) == len(assertions.find_resources("AWS::S3::Bucket"))
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )


def test_email_queue_moves_poison_messages_to_a_watched_dead_letter_queue(
    synth: Any, template: dict[str, Any], assertions: Template
) -> None:
    queues = {
        q["Properties"]["QueueName"]: k for k, q in resources(template, "AWS::SQS::Queue").items()
    }
    dlq = queues[f"marquee-{synth.stage}-email-dlq"]
    assert DLQ_MAX_RECEIVE_COUNT == 5  # the spec's number, as the local stack uses it
    assertions.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "QueueName": f"marquee-{synth.stage}-email",
            "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                "maxReceiveCount": DLQ_MAX_RECEIVE_COUNT,
            },
            "SqsManagedSseEnabled": True,
        },
    )
    assertions.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}],
            "Threshold": 1,
            "AlarmActions": Match.any_value(),
        },
    )
    assertions.has_resource_properties(
        "AWS::SES::EmailIdentity", {"EmailIdentity": Match.string_like_regexp("^no-reply@")}
    )


def test_search_domain_is_encrypted_https_only_fine_grained_and_admits_two_roles(
    synth: Any, template: dict[str, Any]
) -> None:
    (domain,) = resources(template, "AWS::OpenSearchService::Domain").values()
    props = domain["Properties"]
    assert props["EncryptionAtRestOptions"]["Enabled"] is True
    assert props["NodeToNodeEncryptionOptions"]["Enabled"] is True
    assert props["DomainEndpointOptions"]["EnforceHTTPS"] is True
    security = props["AdvancedSecurityOptions"]
    assert security["Enabled"] is True
    assert security["InternalUserDatabaseEnabled"] is False
    fns = functions(template)
    api_role = ref_id(fns[f"marquee-{synth.stage}-api"]["Role"])
    indexer_role = ref_id(fns[f"marquee-{synth.stage}-indexer"]["Role"])
    assert ref_id(security["MasterUserOptions"]["MasterUserARN"]) == indexer_role
    principals = {ref_id(s["Principal"]["AWS"]) for s in props["AccessPolicies"]["Statement"]}
    assert principals == {api_role, indexer_role}
    assert all(s["Effect"] == "Allow" for s in props["AccessPolicies"]["Statement"])
    if synth.stage == "prod":
        assert props["ClusterConfig"]["ZoneAwarenessEnabled"] is True
        assert props["ClusterConfig"]["DedicatedMasterEnabled"] is True


def test_alarms_watch_api_5xx_and_every_lambdas_errors_and_throttles(
    synth: Any, template: dict[str, Any]
) -> None:
    alarms = [a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()]
    watched = {
        (a["Namespace"], a["MetricName"], d["Value"])
        for a in alarms
        for d in a["Dimensions"]
        if d["Name"] in {"FunctionName", "ApiName"}
    }
    assert ("AWS/ApiGateway", "5XXError", f"marquee-{synth.stage}") in watched
    for name in functions(template):
        if name.endswith("-search-access"):
            continue  # runs once per deployment, and CloudFormation reports its failure
        assert ("AWS/Lambda", "Errors", name) in watched
        assert ("AWS/Lambda", "Throttles", name) in watched


def test_images_are_served_by_the_cdn_which_alone_reads_the_private_bucket(
    synth: Any, template: dict[str, Any]
) -> None:
    (distribution_id, distribution) = next(
        (k, d)
        for k, d in resources(template, "AWS::CloudFront::Distribution").items()
        if k.startswith("Media")
    )
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    api_env = functions(template)[f"marquee-{synth.stage}-api"]["Environment"]["Variables"]
    assert distribution_id in str(api_env["MEDIA_BASE_URL"])
    media_policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for k, p in resources(template, "AWS::S3::BucketPolicy").items()
        if k.startswith("MediaBucket")
    )
    reads = [s for s in media_policy if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in reads] == [{"Service": "cloudfront.amazonaws.com"}]
    assert distribution_id in str(reads[0]["Condition"])
