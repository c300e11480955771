"""Per-stage settings, read from CDK context (``-c stage=prod``; defaults in ``cdk.json``).

Only ``dev`` and ``prod`` exist; prod keeps its data (deletion protection, RETAIN) and
runs a multi-AZ search domain. A prod synthesis refuses to run without someone to alarm
(``alarmEmail`` and/or ``alarmTopicArn``) and with an e-mail sender on a reserved example
domain, which SES could never verify.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STAGES = ("dev", "prod")
#: Domains reserved for examples and tests (RFC 2606, RFC 6761): nobody receives mail there.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")


class StageError(ValueError):
    """The context does not describe a stage that can be deployed."""


@dataclass(frozen=True)
class Concurrency:
    """Reserved concurrency per function: a flood on one never starves the others, and
    the account's unreserved pool stays for everything else."""

    api: int
    mailer: int
    indexer: int
    boxoffice: int = 2  # the box-office worker (SQS: at least 2)

    @property
    def scheduled(self) -> int:
        return 1  # the scheduled functions: a slow run is never overlapped by the next


@dataclass(frozen=True)
class StageSettings:
    stage: str
    region: str
    account: str | None
    frontend_origin: str
    email_sender: str
    alarm_emails: tuple[str, ...]
    alarm_topic_arn: str | None
    api_rate_limit: int  # steady requests per second across the API stage
    api_burst_limit: int
    waf_rate_limit: int  # requests per 5 minutes from one IP address
    waf_auth_rate_limit: int  # the same, for /auth/* (logins, codes, sign-up)
    ses_max_send_rate: float  # the account's SES sending rate (messages per second)
    concurrency: Concurrency
    # Stripe's publishable key (public by design) for the web client's card form.
    stripe_publishable_key: str = ""

    @property
    def prod(self) -> bool:
        return self.stage == "prod"

    @property
    def prefix(self) -> str:
        """The resource-name prefix; also the app's ``TABLE_PREFIX``."""
        return f"marquee-{self.stage}-"

    @property
    def stack_name(self) -> str:
        return f"marquee-{self.stage}"


def is_reserved_address(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return domain in RESERVED_DOMAINS or domain.endswith(
        tuple(f".{d}" for d in RESERVED_DOMAINS) + RESERVED_SUFFIXES
    )


def stage_settings(context: Callable[[str], Any]) -> StageSettings:
    """Settings of the stage named by the ``stage`` context value (``dev`` by default).

    ``context`` looks a key up (``app.node.try_get_context``); a ``-c key=value`` wins
    over the stage's block in ``cdk.json`` (``"stages": {"prod": {...}}``).
    """
    stage = str(context("stage") or "dev")
    if stage not in STAGES:
        raise StageError(f"unknown stage {stage!r}: expected one of {', '.join(STAGES)}")
    per_stage: dict[str, Any] = dict((context("stages") or {}).get(stage) or {})

    def pick(key: str, default: Any) -> Any:
        return context(key) or per_stage.get(key) or default

    settings = StageSettings(
        stage=stage,
        region=str(pick("region", os.environ.get("CDK_DEFAULT_REGION") or "eu-west-1")),
        account=pick("account", os.environ.get("CDK_DEFAULT_ACCOUNT")) or None,
        frontend_origin=str(pick("frontendOrigin", "http://localhost:3000")),
        email_sender=str(pick("emailSender", "")),
        alarm_emails=tuple(a.strip() for a in str(pick("alarmEmail", "")).split(",") if a.strip()),
        alarm_topic_arn=pick("alarmTopicArn", None) or None,
        api_rate_limit=int(pick("apiRateLimit", 50)),
        api_burst_limit=int(pick("apiBurstLimit", 100)),
        stripe_publishable_key=str(pick("stripePublishableKey", "")),
        waf_rate_limit=int(pick("wafRateLimit", 2000)),
        waf_auth_rate_limit=int(pick("wafAuthRateLimit", 100)),
        ses_max_send_rate=float(pick("sesMaxSendRate", 1)),
        concurrency=Concurrency(
            api=int(pick("apiConcurrency", 20)),
            mailer=int(pick("mailerConcurrency", 2)),
            indexer=int(pick("indexerConcurrency", 2)),
            boxoffice=int(pick("boxofficeConcurrency", 2)),
        ),
    )
    _check(settings)
    return settings


def _check(settings: StageSettings) -> None:
    if not settings.email_sender:
        raise StageError(f"{settings.stage}: set the e-mail sender (-c emailSender=...)")
    for key in ("mailer", "boxoffice"):
        if getattr(settings.concurrency, key) < 2:
            raise StageError(f"{key}Concurrency must be at least 2 (the SQS event source minimum)")
    if not settings.prod:
        return
    if not (settings.alarm_emails or settings.alarm_topic_arn):
        raise StageError(
            "prod needs someone to alarm: -c alarmEmail=oncall@your-domain (comma-separated) "
            "and/or -c alarmTopicArn=arn:aws:sns:... (an existing topic, e.g. a pager's)"
        )
    if is_reserved_address(settings.email_sender):
        raise StageError(
            f"prod cannot send as {settings.email_sender}: that domain is reserved for "
            "examples and SES could never verify it; -c emailSender=no-reply@your-domain"
        )
