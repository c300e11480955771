"""The stack generates one key ring per use in the shape ``chalicelib.core.keys`` reads, and a
Stripe secret left empty for an operator. A ring generated as the template says is put into
the Secrets Manager stand-in (moto) and used to sign and verify for real."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from chalicelib.booking.tickets import read_code, ticket_code
from chalicelib.core.keys import INITIAL_KID, Keyring
from chalicelib.core.signing import RINGS, current_key
from infrastructure.components.secrets import ENV_VARS, STRIPE_FIELDS
from tests.infrastructure.helpers import resources
from tests.support.secrets import ring_field


def _generated(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Secret name -> the value Secrets Manager generates from the template's instructions."""
    values = {}
    for secret in resources(template, "AWS::SecretsManager::Secret").values():
        props = secret["Properties"]
        generator = props.get("GenerateSecretString")
        if generator:
            value = json.loads(generator["SecretStringTemplate"])
            alphabet = string.ascii_letters + string.digits  # ExcludePunctuation
            assert generator["ExcludePunctuation"] is True
            value[generator["GenerateStringKey"]] = "".join(
                secrets.choice(alphabet) for _ in range(generator["PasswordLength"])
            )
            values[props["Name"].rsplit("/", 1)[1]] = value
    return values


def test_each_ring_is_generated_in_its_own_secret_as_a_fresh_ring(
    synth: Any, template: dict[str, Any]
) -> None:
    generated = _generated(template)
    assert sorted(generated) == sorted(RINGS)
    for value in generated.values():
        ring = Keyring.parse(value)
        assert ring.current.kid == INITIAL_KID and ring.previous == ()
    names = {
        s["Properties"]["Name"] for s in resources(template, "AWS::SecretsManager::Secret").values()
    }
    assert names == {f"marquee/{synth.stage}/{n}" for n in [*RINGS, "stripe"]}


def test_the_stripe_secret_starts_empty(template: dict[str, Any]) -> None:
    secrets_ = [
        r["Properties"] for r in resources(template, "AWS::SecretsManager::Secret").values()
    ]
    (stripe,) = [s for s in secrets_ if "SecretString" in s]
    assert json.loads(stripe["SecretString"]) == dict.fromkeys(STRIPE_FIELDS, "")


def test_the_environment_names_match_the_settings() -> None:
    assert ENV_VARS == {
        "jwt": "JWT_KEYS_SECRET_ID",
        "ticket": "TICKET_KEYS_SECRET_ID",
        "cursor": "CURSOR_KEYS_SECRET_ID",
        "stripe": "STRIPE_SECRET_ID",
    }


def test_a_generated_ring_signs_and_verifies(template: dict[str, Any], own_secrets: Any) -> None:
    for ring, value in _generated(template).items():
        own_secrets.create(ring_field(ring), value)
    assert current_key("ticket").secret == _secret_of(own_secrets, "ticket")
    code = ticket_code("order-1", "A01", "show-1")
    assert code.startswith(f"{INITIAL_KID}.")
    assert read_code(code) == ("order-1", "A01", "show-1")


def _secret_of(own_secrets: Any, ring: str) -> str:
    return str(own_secrets.read(ring_field(ring))["secret"])
