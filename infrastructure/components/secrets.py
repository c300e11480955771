"""Secrets Manager secrets holding the keys; the Lambdas read them at cold start.

``SECRETS_ID`` lists them (comma-separated) and ``chalicelib.core.config`` merges their JSON
fields, named like the ``Settings`` fields. Each signing key is its own generated secret
(a generator fills one field per secret), so no key value ever appears in the template;
the Stripe secret is created with empty values for an operator to fill in (see README).
"""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, SecretValue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: Generated signing keys: Settings field -> secret name suffix.
GENERATED_KEYS = {
    "jwt_secret": "jwt",
    "ticket_hmac_key": "ticket-hmac",
    "cursor_secret": "cursor",
}
STRIPE_FIELDS = ("stripe_api_key", "stripe_webhook_secret")


class Secrets(Construct):
    def __init__(self, scope: Construct, id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY
        self.secrets: dict[str, secretsmanager.Secret] = {}
        for field, suffix in GENERATED_KEYS.items():
            self.secrets[suffix] = secretsmanager.Secret(
                self,
                "".join(p.capitalize() for p in suffix.split("-")),
                secret_name=f"marquee/{settings.stage}/{suffix}",
                description=f"Marquee {settings.stage}: {field}",
                generate_secret_string=secretsmanager.SecretStringGenerator(
                    secret_string_template="{}",
                    generate_string_key=field,
                    password_length=64,
                    exclude_punctuation=True,
                ),
                removal_policy=removal,
            )
        self.secrets["stripe"] = secretsmanager.Secret(
            self,
            "Stripe",
            secret_name=f"marquee/{settings.stage}/stripe",
            description=f"Marquee {settings.stage}: Stripe API key and webhook signing secret",
            # Empty placeholders (not secret); the app skips empty fields until filled in.
            secret_string_value=SecretValue.unsafe_plain_text(
                json.dumps(dict.fromkeys(STRIPE_FIELDS, ""))
            ),
            removal_policy=removal,
        )
        for secret in self.secrets.values():
            acknowledge(
                secret,
                "AwsSolutions-SMG4",
                "Signing keys are rotated by hand (rotating the JWT or cursor key logs "
                "everyone out and breaks open cursors, so it is a planned event); Stripe "
                "keys are rotated in the Stripe dashboard.",
            )

    @property
    def ids(self) -> str:
        """The ``SECRETS_ID`` value: every secret's ARN, comma-separated."""
        return ",".join(s.secret_arn for s in self.secrets.values())

    def grant_read(self, grantee: iam.IGrantable) -> None:
        for secret in self.secrets.values():
            secret.grant_read(grantee)
