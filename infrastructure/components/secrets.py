"""Secrets Manager secrets: one signing-key ring per use, and the Stripe keys.

Each ring (``jwt``, ``ticket``, ``cursor``) is generated in the shape
``chalicelib.core.keys`` reads: the template holds the kid and an empty list of previous
keys, the generator fills ``secret``, so no key value ever appears in the template.
``python -m chalicelib.core.rotate`` rotates a ring later (README, Rotating secrets).
The Stripe secret is created with empty values for an operator to fill in; until then
the app answers 503 ``payments-not-configured`` wherever it needs Stripe.

Each Lambda gets the ids of, and read access to, only the secrets it uses
(``environment`` and ``grant_read`` take the names).
"""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, SecretValue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from chalicelib.core.config import Settings
from chalicelib.core.keys import INITIAL_KID
from chalicelib.core.signing import RINGS
from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

STRIPE = "stripe"
STRIPE_FIELDS = ("stripe_api_key", "stripe_webhook_secret")
#: Secret name -> the ``Settings`` field, so the environment variable, carrying its ARN.
SETTINGS_FIELDS: dict[str, str] = {
    **{ring: f"{ring}_keys_secret_id" for ring in RINGS},
    STRIPE: "stripe_secret_id",
}
ENV_VARS = {name: Settings.env_names()[field] for name, field in SETTINGS_FIELDS.items()}
#: What a generated ring looks like before the generator adds ``secret``.
RING_TEMPLATE = {"kid": INITIAL_KID, "previous": []}
RING_SECRET_LENGTH = 64


class Secrets(Construct):
    def __init__(self, scope: Construct, id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY
        self.secrets: dict[str, secretsmanager.Secret] = {}
        for ring in RINGS:
            self.secrets[ring] = secretsmanager.Secret(
                self,
                # The ids (and names) the jwt and cursor keys had before they became rings,
                # so an existing stack updates them in place, generating a ring.
                ring.capitalize(),
                secret_name=f"marquee/{settings.stage}/{ring}",
                description=f"Marquee {settings.stage}: {ring} signing keys (a key ring)",
                generate_secret_string=secretsmanager.SecretStringGenerator(
                    secret_string_template=json.dumps(RING_TEMPLATE),
                    generate_string_key="secret",
                    password_length=RING_SECRET_LENGTH,
                    exclude_punctuation=True,
                ),
                removal_policy=removal,
            )
        self.secrets[STRIPE] = secretsmanager.Secret(
            self,
            "Stripe",
            secret_name=f"marquee/{settings.stage}/stripe",
            description=f"Marquee {settings.stage}: Stripe API key and webhook signing secret",
            # Empty placeholders (not secret): payments answer 503 until they are filled in.
            secret_string_value=SecretValue.unsafe_plain_text(
                json.dumps(dict.fromkeys(STRIPE_FIELDS, ""))
            ),
            removal_policy=removal,
        )
        for secret in self.secrets.values():
            acknowledge(
                secret,
                "AwsSolutions-SMG4",
                "Key rings are rotated by an operator with `python -m chalicelib.core.rotate` "
                "(the previous key keeps verifying for an overlap window, so nobody is signed "
                "out); Stripe keys are rolled in the Stripe dashboard (README runbook).",
            )

    @property
    def ids(self) -> str:
        """Every secret's ARN, comma-separated (a stack output for operators)."""
        return ",".join(s.secret_arn for s in self.secrets.values())

    def environment(self, *names: str) -> dict[str, str]:
        """The ``*_SECRET_ID`` variables for the named secrets (all when none are named)."""
        return {ENV_VARS[name]: self.secrets[name].secret_arn for name in names or self.secrets}

    def grant_read(self, grantee: iam.IGrantable, *names: str) -> None:
        """Reading the values of the named secrets (all when none are named):
        ``GetSecretValue`` only, which is all ``chalicelib.core.secrets`` calls."""
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                resources=[self.secrets[n].secret_arn for n in names or tuple(self.secrets)],
            )
        )
