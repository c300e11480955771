"""The WAF in front of the API stage, read from the template (cdk-nag's WAF rule, APIG3,
only inspects plain API Gateway stages, never the SAM API Chalice emits)."""

from __future__ import annotations

import json
from typing import Any

from infrastructure.components.edge import INSPECTED_BODY_BYTES, LARGE_BODY_PATH, WEBHOOK_PATH
from infrastructure.stages import stage_settings
from tests.infrastructure.conftest import cli_context
from tests.infrastructure.helpers import ref_id, resources


def web_acl(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ((logical_id, acl),) = resources(template, "AWS::WAFv2::WebACL").items()
    return logical_id, acl["Properties"]


def rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ordered = sorted(web_acl(template)[1]["Rules"], key=lambda r: r["Priority"])
    return {rule["Name"]: rule for rule in ordered}


def test_a_regional_web_acl_guards_the_api_stage(template: dict[str, Any]) -> None:
    acl_id, acl = web_acl(template)
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    (association,) = resources(template, "AWS::WAFv2::WebACLAssociation").values()
    props = association["Properties"]
    assert ref_id(props["WebACLArn"]) == acl_id
    parts = props["ResourceArn"]["Fn::Join"][1]
    assert {"Ref": "RestAPI"} in parts and {"Ref": "RestAPI.Stage"} in parts
    assert ":apigateway:" in json.dumps(parts) and "/stages/" in parts
    (logging,) = resources(template, "AWS::WAFv2::LoggingConfiguration").values()
    assert ref_id(logging["Properties"]["ResourceArn"]) == acl_id
    ((destination,),) = [logging["Properties"]["LogDestinationConfigs"]]
    log_group = template["Resources"][destination["Fn::Join"][1][-1]["Ref"]]
    assert log_group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
    redacted = logging["Properties"]["RedactedFields"]
    assert {"SingleHeader": {"Name": "authorization"}} in redacted  # bearer tokens


def test_aws_managed_rule_groups_are_applied(template: dict[str, Any]) -> None:
    managed = {
        name: rule["Statement"]["ManagedRuleGroupStatement"]
        for name, rule in rules(template).items()
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert set(managed) == {
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    }
    # The common set's 8 KB body rule only counts: BodyTooLarge sets the limit instead.
    (override,) = managed["AWSManagedRulesCommonRuleSet"]["RuleActionOverrides"]
    assert override == {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}


def test_every_address_is_rate_limited_and_auth_more_tightly(
    synth: Any, template: dict[str, Any]
) -> None:
    settings = stage_settings(cli_context(synth.stage).get)
    by_name = rules(template)
    everyone = by_name["IpRate"]["Statement"]["RateBasedStatement"]
    auth = by_name["AuthRate"]["Statement"]["RateBasedStatement"]
    assert everyone["AggregateKeyType"] == auth["AggregateKeyType"] == "IP"
    assert everyone["Limit"] == settings.waf_rate_limit
    assert auth["Limit"] == settings.waf_auth_rate_limit < everyone["Limit"]
    assert auth["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/auth/"
    for name in ("IpRate", "AuthRate"):
        block = by_name[name]["Action"]["Block"]["CustomResponse"]
        assert block["ResponseCode"] == 429
    names = list(by_name)
    assert names.index("AuthRate") < names.index("IpRate")


def test_the_stripe_webhook_has_its_own_rules_before_the_others(template: dict[str, Any]) -> None:
    by_name = rules(template)
    names = list(by_name)
    webhook = by_name["StripeWebhook"]
    assert webhook["Action"] == {"Allow": {}}
    matches = webhook["Statement"]["AndStatement"]["Statements"]
    assert matches[0]["ByteMatchStatement"]["SearchString"] == WEBHOOK_PATH
    assert matches[1]["ByteMatchStatement"]["SearchString"] == "POST"
    rate = by_name["StripeWebhookRate"]["Statement"]["RateBasedStatement"]
    assert rate["ScopeDownStatement"] == webhook["Statement"]
    # Its own limit first, then allowed: the general rate, size and content rules after
    # it never see Stripe's events.
    assert names.index("StripeWebhookRate") < names.index("StripeWebhook")
    for later in ("AuthRate", "IpRate", "BodyTooLarge", "AWSManagedRulesCommonRuleSet"):
        assert names.index("StripeWebhook") < names.index(later)


def test_request_bodies_over_the_inspected_size_are_refused_but_seat_layouts(
    template: dict[str, Any],
) -> None:
    rule = rules(template)["BodyTooLarge"]
    size, exempt = rule["Statement"]["AndStatement"]["Statements"]
    constraint = size["SizeConstraintStatement"]
    assert constraint["FieldToMatch"] == {"Body": {"OversizeHandling": "MATCH"}}
    assert (constraint["ComparisonOperator"], constraint["Size"]) == ("GT", INSPECTED_BODY_BYTES)
    assert exempt["NotStatement"]["Statement"]["ByteMatchStatement"]["SearchString"] == (
        LARGE_BODY_PATH
    )
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 413
    limit = web_acl(template)[1]["AssociationConfig"]["RequestBody"]["API_GATEWAY"]
    assert limit == {"DefaultSizeInspectionLimit": "KB_16"}


def test_refusals_are_problem_json(template: dict[str, Any]) -> None:
    bodies = web_acl(template)[1]["CustomResponseBodies"]
    for rule in rules(template).values():
        block = rule.get("Action", {}).get("Block")
        if block:
            body = bodies[block["CustomResponse"]["CustomResponseBodyKey"]]
            assert body["ContentType"] == "APPLICATION_JSON"
            problem = json.loads(body["Content"])
            assert problem["status"] == block["CustomResponse"]["ResponseCode"]
    assert all(
        rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] for rule in rules(template).values()
    )
