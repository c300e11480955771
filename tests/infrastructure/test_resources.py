"""Bucket, CDN, queues, e-mail identity, search domain and alarms (CDK assertions)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from chalicelib.boxoffice.exports import KEPT
from chalicelib.core.observability import NAMESPACE, SERVICE, SWEEP_FAILURES
from infrastructure.components.media import PENDING_UPLOAD_TAG
from infrastructure.stages import StageError, stage_settings
from local.bootstrap import DLQ_MAX_RECEIVE_COUNT
from tests.infrastructure.conftest import PROD_CONTEXT, cli_context
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
                        Match.object_like(
                            {"NoncurrentVersionExpiration": {"NoncurrentDays": Match.any_value()}}
                        ),
                    ]
                )
            },
            "LoggingConfiguration": Match.object_like({}),
            "VersioningConfiguration": {"Status": "Enabled"},
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


@pytest.mark.parametrize("name", ["email", "boxoffice"])
def test_queues_move_poison_messages_to_a_watched_dead_letter_queue_and_alarm_on_age(
    name: str, synth: Any, template: dict[str, Any], assertions: Template
) -> None:
    queues = {
        q["Properties"]["QueueName"]: k for k, q in resources(template, "AWS::SQS::Queue").items()
    }
    dlq = queues[f"marquee-{synth.stage}-{name}-dlq"]
    queue = queues[f"marquee-{synth.stage}-{name}"]
    assert DLQ_MAX_RECEIVE_COUNT == 5  # the spec's number, as the local stack uses it
    assertions.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "QueueName": f"marquee-{synth.stage}-{name}",
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
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateAgeOfOldestMessage",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}],
            "AlarmActions": Match.any_value(),
        },
    )


def test_the_exports_bucket_is_private_encrypted_logged_and_forgets_old_exports(
    template: dict[str, Any],
) -> None:
    (bucket,) = [
        b["Properties"]
        for k, b in resources(template, "AWS::S3::Bucket").items()
        if k.startswith("ExportsBucket")
    ]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert "CorsConfiguration" not in bucket  # downloaded by a presigned link, not a script
    assert bucket["LoggingConfiguration"]["LogFilePrefix"] == "exports/"
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-old-exports"]["ExpirationInDays"] == KEPT.days  # with their records
    assert "AbortIncompleteMultipartUpload" in rules["abort-incomplete-multipart"]


def test_the_ses_sender_identity_is_declared(assertions: Template) -> None:
    assertions.has_resource_properties(
        "AWS::SES::EmailIdentity", {"EmailIdentity": Match.string_like_regexp("^no-reply@")}
    )


def test_search_domain_is_encrypted_https_only_fine_grained_and_admits_three_roles(
    synth: Any, template: dict[str, Any]
) -> None:
    (domain,) = resources(template, "AWS::OpenSearchService::Domain").values()
    props = domain["Properties"]
    assert props["EncryptionAtRestOptions"]["Enabled"] is True
    assert props["NodeToNodeEncryptionOptions"]["Enabled"] is True
    assert props["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert props["DomainEndpointOptions"]["TLSSecurityPolicy"] == "Policy-Min-TLS-1-2-PFS-2023-10"
    assert props["EBSOptions"]["VolumeType"] == "gp3"
    security = props["AdvancedSecurityOptions"]
    assert security["Enabled"] is True
    assert security["InternalUserDatabaseEnabled"] is False
    fns = functions(template)
    roles = {
        name.removeprefix(f"marquee-{synth.stage}-"): ref_id(f["Role"]) for name, f in fns.items()
    }
    assert ref_id(security["MasterUserOptions"]["MasterUserARN"]) == roles["search-access"]
    principals = {ref_id(s["Principal"]["AWS"]) for s in props["AccessPolicies"]["Statement"]}
    assert principals == {roles["api"], roles["indexer"], roles["search-access"]}
    assert all(s["Effect"] == "Allow" for s in props["AccessPolicies"]["Statement"])
    logs = props["LogPublishingOptions"]
    assert {"AUDIT_LOGS", "ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS"} <= set(logs)
    (policy_id,) = resources(template, "AWS::Logs::ResourcePolicy")
    assert policy_id in domain["DependsOn"]  # the domain cannot start logging before it
    if synth.stage == "prod":
        assert props["ClusterConfig"]["ZoneAwarenessEnabled"] is True
        assert props["ClusterConfig"]["DedicatedMasterEnabled"] is True
    # One replica per extra data node: a single-node domain would stay yellow with one.
    replicas = fns[f"marquee-{synth.stage}-indexer"]["Environment"]["Variables"]
    assert int(replicas["OPENSEARCH_REPLICAS"]) == props["ClusterConfig"]["InstanceCount"] - 1


def alarm_metrics(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each alarm's metric (or math expression) by the alarm's logical id prefix."""
    return {k: a["Properties"] for k, a in resources(template, "AWS::CloudWatch::Alarm").items()}


def watched(template: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for alarm in alarm_metrics(template).values():
        metrics = [alarm] + [
            m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m
        ]
        for metric in metrics:
            if "MetricName" in metric:
                found.add((metric["Namespace"], metric["MetricName"]))
    return found


def test_alarms_watch_every_failure_that_needs_someone(
    synth: Any, template: dict[str, Any]
) -> None:
    seen = watched(template)
    assert {
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Count"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/Lambda", "IteratorAge"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/ES", "ClusterStatus.red"),
        ("AWS/ES", "ClusterStatus.yellow"),
        ("AWS/ES", "FreeStorageSpace"),
        (NAMESPACE, SWEEP_FAILURES),
    } <= seen
    alarms = list(alarm_metrics(template).values())
    dimensions = {
        (a["MetricName"], d["Name"], json.dumps(d["Value"]))
        for a in alarms
        if "MetricName" in a
        for d in a["Dimensions"]
    }
    for name in functions(template):
        if name.endswith("-search-access"):
            continue  # runs once per deployment, and CloudFormation reports its failure
        assert ("Errors", "FunctionName", json.dumps(name)) in dimensions
        assert ("Throttles", "FunctionName", json.dumps(name)) in dimensions
    (latency,) = [a for a in alarms if a.get("MetricName") == "Latency"]
    assert latency["ExtendedStatistic"] == "p99"
    assert {d["Name"]: d["Value"] for d in latency["Dimensions"]} == {
        "ApiName": f"marquee-{synth.stage}",
        "Stage": "api",
        "Method": "POST",
        "Resource": "/orders",
    }
    (failures,) = [a for a in alarms if a.get("MetricName") == SWEEP_FAILURES]
    assert failures["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    (rate,) = [a for a in alarms if "Metrics" in a]
    assert "errors / requests" in rate["Metrics"][0]["Expression"]


def test_every_alarm_notifies_a_topic_someone_receives(
    synth: Any, template: dict[str, Any]
) -> None:
    topics = resources(template, "AWS::SNS::Topic")
    (topic_id,) = topics
    for alarm in alarm_metrics(template).values():
        assert {"Ref": topic_id} in alarm["AlarmActions"]
    subscriptions = [
        s["Properties"] for s in resources(template, "AWS::SNS::Subscription").values()
    ]
    if synth.stage == "prod":
        assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
            ("email", PROD_CONTEXT["alarmEmail"])
        ]


def test_prod_will_not_synthesise_without_someone_to_alarm_or_with_an_example_sender() -> None:
    context = cli_context("prod")
    without_target = {k: v for k, v in context.items() if k != "alarmEmail"}
    with pytest.raises(StageError, match="alarm"):
        stage_settings(without_target.get)
    topic = "arn:aws:sns:eu-west-1:123456789012:pager"
    assert stage_settings({**without_target, "alarmTopicArn": topic}.get).alarm_topic_arn == topic
    with pytest.raises(StageError, match="reserved"):
        stage_settings({**context, "emailSender": "no-reply@marquee.example.com"}.get)


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
    reads = [s for s in media_policy if s["Effect"] == "Allow"]  # (the Denies: TLS, pending)
    assert [s["Principal"] for s in reads] == [{"Service": "cloudfront.amazonaws.com"}]
    assert distribution_id in str(reads[0]["Condition"])
    # A pending upload is not served, whoever learns its key; responses carry the
    # security headers (HSTS, nosniff, frame and referrer policies).
    cdn = {"Service": "cloudfront.amazonaws.com"}
    (deny,) = [s for s in media_policy if s["Effect"] == "Deny" and s["Principal"] == cdn]
    assert deny["Action"] == "s3:GetObject"
    tag, value = PENDING_UPLOAD_TAG
    assert deny["Condition"] == {"StringEquals": {f"s3:ExistingObjectTag/{tag}": value}}
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]
