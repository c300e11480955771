"""Per-stage settings, read from CDK context (``-c stage=prod``; defaults in ``cdk.json``).

Only ``dev`` and ``prod`` exist; prod keeps its data (deletion protection, RETAIN) and
runs a multi-AZ search domain.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STAGES = ("dev", "prod")


@dataclass(frozen=True)
class StageSettings:
    stage: str
    region: str
    account: str | None
    frontend_origin: str
    email_sender: str
    alarm_email: str | None
    api_rate_limit: int  # steady requests per second across the API stage
    api_burst_limit: int
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


def stage_settings(context: Callable[[str], Any]) -> StageSettings:
    """Settings of the stage named by the ``stage`` context value (``dev`` by default).

    ``context`` looks a key up (``app.node.try_get_context``); a ``-c key=value`` wins
    over the stage's block in ``cdk.json`` (``"stages": {"prod": {...}}``).
    """
    stage = str(context("stage") or "dev")
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}: expected one of {', '.join(STAGES)}")
    per_stage: dict[str, Any] = dict((context("stages") or {}).get(stage) or {})

    def pick(key: str, default: Any) -> Any:
        return context(key) or per_stage.get(key) or default

    return StageSettings(
        stage=stage,
        region=str(pick("region", os.environ.get("CDK_DEFAULT_REGION") or "eu-west-1")),
        account=pick("account", os.environ.get("CDK_DEFAULT_ACCOUNT")) or None,
        frontend_origin=str(pick("frontendOrigin", "http://localhost:3000")),
        email_sender=str(pick("emailSender", f"no-reply@{stage}.marquee.example.com")),
        alarm_email=pick("alarmEmail", None) or None,
        api_rate_limit=int(pick("apiRateLimit", 50)),
        api_burst_limit=int(pick("apiBurstLimit", 100)),
        stripe_publishable_key=str(pick("stripePublishableKey", "")),
    )
