"""Signed tokens and keyed hashes: one signer (itsdangerous), a salt per use, rotating keys.

Three rings (``chalicelib.core.keys``), each in its own secret: ``jwt`` (access and refresh
tokens, verification-code hashes), ``ticket`` (ticket codes), ``cursor`` (list cursors).
A token is ``<kid>.<itsdangerous token>``: the current key signs, the kid picks the key
that verifies. The salt names the use (``ticket-code``, ``cursor:<list>``), so a token
made for one use never verifies for another even under the same key.

A kid this container has not seen is either forged or newer than its cached ring (a
rotation another container already picked up): the ring is then fetched again, at most
every ``MIN_FORCED_REFRESH_SECONDS``, before the token is refused.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, Literal

from itsdangerous import BadData, Signer, URLSafeSerializer

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.keys import Keyring, MalformedKeyring, SigningKey
from chalicelib.core.observability import logger
from chalicelib.core.secrets import SecretUnavailable, refreshed_values, secret_values

Ring = Literal["jwt", "ticket", "cursor"]
RINGS: tuple[Ring, ...] = ("jwt", "ticket", "cursor")


class InvalidSignature(ValueError):
    """Not signed by a key of the ring that may still verify, for this use."""


def _secret_id(ring: Ring) -> str:
    secret_id: str | None = getattr(get_settings(), f"{ring}_keys_secret_id")
    if not secret_id:
        logger.error("signing keys not configured", extra={"ring": ring})
        raise SecretUnavailable("A key this request needs is not available; try again.")
    return secret_id


def overlap(ring: Ring) -> timedelta:
    """How long a retired key of ``ring`` still verifies."""
    return timedelta(seconds=getattr(get_settings(), f"{ring}_key_overlap_seconds"))


_parsed: dict[str, tuple[dict[str, Any], Keyring]] = {}


def _keyring(values: dict[str, Any], secret_id: str) -> Keyring:
    # The parameters cache hands back the same dict until it fetches again: parse once.
    cached = _parsed.get(secret_id)
    if cached is not None and cached[0] is values:
        return cached[1]
    try:
        ring = Keyring.parse(values)
    except MalformedKeyring as exc:
        logger.error("malformed key secret", extra={"secret_id": secret_id, "error": str(exc)})
        raise SecretUnavailable("A key this request needs is not available; try again.") from exc
    _parsed[secret_id] = (values, ring)
    return ring


def keyring(ring: Ring) -> Keyring:
    secret_id = _secret_id(ring)
    return _keyring(secret_values(secret_id), secret_id)


def current_key(ring: Ring) -> SigningKey:
    """The key that signs now."""
    return keyring(ring).current


def verifying_key(ring: Ring, kid: str) -> SigningKey | None:
    """The key named ``kid`` if it may verify now (current, or retired within the overlap
    window); ``None`` for an unknown or expired kid."""
    now, window = clock.now(), overlap(ring)
    found = keyring(ring)
    if found.find(kid) is None:
        secret_id = _secret_id(ring)
        fresh = refreshed_values(secret_id)
        if fresh is not None:
            found = _keyring(fresh, secret_id)
    return found.verifying_key(kid, now, window)


def _serializer(key: SigningKey, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(
        key.secret,
        salt=salt,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
    )


def sign(ring: Ring, salt: str, payload: Any) -> str:
    """``payload`` (JSON-able) signed with the ring's current key for the use ``salt``."""
    key = current_key(ring)
    return f"{key.kid}.{_serializer(key, salt).dumps(payload)}"


def unsign(ring: Ring, salt: str, token: str) -> Any:
    """The payload of a token ``sign`` made for ``salt`` with a key that may still verify."""
    kid, dot, body = token.partition(".")
    if not dot:
        raise InvalidSignature("no kid")
    key = verifying_key(ring, kid)
    if key is None:
        raise InvalidSignature("unknown or expired kid")
    try:
        return _serializer(key, salt).loads(body)
    except BadData as exc:
        raise InvalidSignature(str(exc)) from exc


def keyed_digest(ring: Ring, salt: str, message: bytes, kid: str | None = None) -> str:
    """``<kid>.<HMAC>`` of ``message``, to store instead of a guessable value (a code).

    Compute it again with the stored ``kid`` to check a submission: it equals the stored
    one only for the same message, while that key may still verify. ``kid=None``: the
    current key (for a value about to be stored).
    """
    key = current_key(ring) if kid is None else verifying_key(ring, kid)
    if key is None:
        raise InvalidSignature("unknown or expired kid")
    signer = Signer(key.secret, salt=salt, key_derivation="hmac", digest_method=hashlib.sha256)
    return f"{key.kid}.{signer.get_signature(message).decode()}"


def kid_of(token: str) -> str:
    return token.partition(".")[0]
