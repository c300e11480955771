"""The API's edge: a regional WAFv2 web ACL on the API Gateway stage, and its logs.

Rules, in order (the first that decides wins):

1. AWS's IP reputation list (known bots, scanners, attack sources) is blocked;
2. Stripe's webhook is reachable under its own rules: a per-IP rate limit of its own, then
   allowed, so a burst of events from Stripe's few addresses never counts against the
   general limit, and its large JSON bodies never meet the size and content rules below
   (the app verifies every event's signature);
3. ``/auth/*`` (logins, codes, sign-up: Argon2 hashing and e-mail) has a tight per-IP rate;
4. every other request a per-IP rate (both per 5 minutes, per stage in ``cdk.json``);
5. a body over the inspected 16 KB is refused (413), except a hall's seat layout (the one
   legitimately large body, staff only); the app still caps every body at 1 MB;
6. AWS's common rule set (its own 8 KB body rule counts only: rule 5 replaces it) and
   known-bad-inputs rule set.

Refusals are problem+json like the app's (429 for rates, 413 for size, 403 otherwise).
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Acknowledgment, ArnFormat, Aws, Fn, RemovalPolicy, Stack, Validations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infrastructure.stages import StageSettings

WEBHOOK_PATH = "/payments/stripe/webhook"
#: Requests per 5 minutes from one address to the webhook: Stripe sends from a handful.
WEBHOOK_RATE_LIMIT = 10_000
#: What the regional WAF reads of a body for API Gateway (its default; more costs extra).
INSPECTED_BODY_BYTES = 16 * 1024
#: The one route family whose bodies may be larger: a hall's seat layout.
LARGE_BODY_PATH = "/halls"

MANAGED_GROUPS = {
    "AWSManagedRulesAmazonIpReputationList": (),
    "AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",),  # counted, not blocked
    "AWSManagedRulesKnownBadInputsRuleSet": (),
}


def _problem(status: int, title: str, detail: str) -> dict[str, str]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return {"ContentType": "APPLICATION_JSON", "Content": json.dumps(body)}


RESPONSES = {
    "too-many-requests": _problem(
        429, "Too Many Requests", "Too many requests from this address; try again later."
    ),
    "too-large": _problem(413, "Content Too Large", "The request body is too large."),
    "blocked": _problem(403, "Forbidden", "The request was refused."),
}


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _path(text: str, constraint: str) -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": constraint,
            "SearchString": text,
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
        }
    }


def _block(status: int, body: str) -> dict[str, Any]:
    return {"Block": {"CustomResponse": {"ResponseCode": status, "CustomResponseBodyKey": body}}}


def _per_ip(limit: int, scope: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Limit": limit,
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
    }
    if scope:
        statement["ScopeDownStatement"] = scope
    return {"RateBasedStatement": statement}


def web_acl_rules(settings: StageSettings) -> list[dict[str, Any]]:
    webhook = {
        "AndStatement": {
            "Statements": [
                _path(WEBHOOK_PATH, "ENDS_WITH"),
                {
                    "ByteMatchStatement": {
                        "FieldToMatch": {"Method": {}},
                        "PositionalConstraint": "EXACTLY",
                        "SearchString": "POST",
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                },
            ]
        }
    }
    too_large = {
        "AndStatement": {
            "Statements": [
                {
                    "SizeConstraintStatement": {
                        "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
                        "ComparisonOperator": "GT",
                        "Size": INSPECTED_BODY_BYTES,
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                },
                {"NotStatement": {"Statement": _path(LARGE_BODY_PATH, "CONTAINS")}},
            ]
        }
    }

    def managed(name: str, counted: tuple[str, ...]) -> dict[str, Any]:
        statement: dict[str, Any] = {"VendorName": "AWS", "Name": name}
        if counted:
            statement["RuleActionOverrides"] = [
                {"Name": rule, "ActionToUse": {"Count": {}}} for rule in counted
            ]
        return {
            "Name": name,
            "Statement": {"ManagedRuleGroupStatement": statement},
            "OverrideAction": {"None": {}},
        }

    (reputation, common, bad_inputs) = (managed(n, c) for n, c in MANAGED_GROUPS.items())
    rules: list[dict[str, Any]] = [
        reputation,
        {
            "Name": "StripeWebhookRate",
            "Statement": _per_ip(WEBHOOK_RATE_LIMIT, webhook),
            "Action": _block(429, "too-many-requests"),
        },
        {"Name": "StripeWebhook", "Statement": webhook, "Action": {"Allow": {}}},
        {
            "Name": "AuthRate",
            "Statement": _per_ip(settings.waf_auth_rate_limit, _path("/auth/", "CONTAINS")),
            "Action": _block(429, "too-many-requests"),
        },
        {
            "Name": "IpRate",
            "Statement": _per_ip(settings.waf_rate_limit),
            "Action": _block(429, "too-many-requests"),
        },
        {"Name": "BodyTooLarge", "Statement": too_large, "Action": _block(413, "too-large")},
        common,
        bad_inputs,
    ]
    for priority, rule in enumerate(rules):
        rule["Priority"] = priority
        rule["VisibilityConfig"] = _visibility(rule["Name"])
    return rules


class Edge(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        rest_api_id: str,
        stage: str,
    ) -> None:
        super().__init__(scope, id)
        name = f"marquee-{settings.stage}-api"
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                sampled_requests_enabled=True, cloud_watch_metrics_enabled=True, metric_name=name
            ),
        )
        self.web_acl.add_property_override("Rules", web_acl_rules(settings))
        self.web_acl.add_property_override("CustomResponseBodies", RESPONSES)
        self.web_acl.add_property_override(
            "AssociationConfig",
            {"RequestBody": {"API_GATEWAY": {"DefaultSizeInspectionLimit": "KB_16"}}},
        )
        stage_arn = Fn.join(
            "",
            [
                f"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}::/restapis/",
                rest_api_id,
                "/stages/",
                stage,
            ],
        )
        association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
        Validations.of(association).acknowledge(
            Acknowledgment(
                id="CloudFormation-Validate::F1020",
                reason="The stage is referred to as RestAPI.Stage, which the SAM transform "
                "resolves (and makes a dependency); this check runs before the transform. "
                "cfn-lint, which expands SAM, validates it (tests/infrastructure).",
            )
        )
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"aws-waf-logs-{name}",  # WAF requires the prefix
            retention=logs.RetentionDays.THREE_MONTHS
            if settings.prod
            else logs.RetentionDays.TWO_WEEKS,
            removal_policy=RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY,
        )
        # WAF wants the log group's ARN without the ":*" of its Arn attribute.
        destination = Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=log_group.log_group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        logging = wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[destination],
        )
        logging.node.add_dependency(log_group)
        logging.add_property_override(
            "RedactedFields", [{"SingleHeader": {"Name": "authorization"}}]
        )
