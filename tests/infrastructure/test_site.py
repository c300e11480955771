"""The web client's static site: private bucket read only by CloudFront, HTTPS, security
headers, and a config.json whose API URL is filled in at deploy time."""

from __future__ import annotations

import json
from typing import Any

from tests.infrastructure.conftest import Synth
from tests.infrastructure.helpers import mentions, properties, resources

WEB_DIST = "index.html"


def site_ids(template: dict[str, Any]) -> dict[str, str]:
    found = {}
    for type_, key in (
        ("AWS::S3::Bucket", "bucket"),
        ("AWS::CloudFront::Distribution", "cdn"),
        ("Custom::CDKBucketDeployment", "deploy"),
    ):
        matching = [k for k in resources(template, type_) if k.startswith("Site")]
        assert len(matching) == 1, f"expected one site {type_}, found {matching}"
        found[key] = matching[0]
    return found


def test_site_bucket_is_private_and_only_cloudfront_reads_it(template: dict[str, Any]) -> None:
    ids = site_ids(template)
    bucket = properties(template, ids["bucket"])
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["LoggingConfiguration"]["LogFilePrefix"] == "site/"
    policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in resources(template, "AWS::S3::BucketPolicy").values()
        if mentions(p["Properties"]["Bucket"], ids["bucket"])
    )
    readers = [s for s in policy if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in readers] == [{"Service": "cloudfront.amazonaws.com"}]
    assert mentions(readers[0]["Condition"], ids["cdn"])  # this distribution only
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy
    )


def test_site_is_served_over_https_with_security_headers(template: dict[str, Any]) -> None:
    config = properties(template, site_ids(template)["cdn"])["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    assert "OriginAccessControlId" in config["Origins"][0]
    headers_id = behaviour["ResponseHeadersPolicyId"]["Ref"]
    security = properties(template, headers_id)["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ContentTypeOptions"]["Override"] is True


def test_the_build_and_a_config_with_the_deployed_api_url_are_uploaded(synth: Synth) -> None:
    template = synth.template
    deploy = properties(template, site_ids(template)["deploy"])
    assert mentions(deploy["DestinationBucketName"], site_ids(template)["bucket"])
    assert "/config.json" in deploy["DistributionPaths"]
    # two sources: web/dist, and config.json whose API URL is a deploy-time marker
    build, config = (
        synth.outdir / f"asset.{key.removesuffix('.zip')}" for key in deploy["SourceObjectKeys"]
    )
    assert (build / WEB_DIST).is_file()
    assert any(p.name.endswith(".js") for p in (build / "assets").iterdir())
    written = (config / "config.json").read_text()
    (marker,) = deploy["SourceMarkers"][1]
    assert json.loads(written.replace(marker, '"API"')) == {
        "apiBaseUrl": "API",
        "stripeJsUrl": "https://js.stripe.com/v3/",
        "stripePublishableKey": "",
    }
    assert mentions(deploy["SourceMarkers"][1][marker], "RestAPI")  # the stage's own API
    assert "/api" in json.dumps(deploy["SourceMarkers"][1][marker])


def test_the_site_url_is_a_stack_output(template: dict[str, Any]) -> None:
    assert mentions(template["Outputs"]["SiteUrl"]["Value"], site_ids(template)["cdn"])
