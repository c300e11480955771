"""Signing-key rings: the shape of a key secret and the rotation rule. Pure, no I/O.

A ring is one Secrets Manager JSON secret::

    {"kid": "20250601-3f2a9c", "secret": "<64 random characters>",
     "previous": [{"kid": "initial", "secret": "...", "retired_at": "2025-06-01T10:00:00Z"}]}

The top level is the current key: it signs everything new, and tokens carry its ``kid``
so a verifier picks the key without trying each one. A retired key still verifies for
the ring's overlap window after its ``retired_at``, then never again (the rotation also
drops it). The CDK app generates a fresh ring with kid ``initial`` and no previous keys
(a generator can fill one top-level field); ``rotate`` is the only way a ring changes.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MIN_SECRET_LENGTH = 32
INITIAL_KID = "initial"


class MalformedKeyring(ValueError):
    """A key secret that is not a ring (so nothing can be signed or verified with it)."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: str
    retired_at: datetime | None = None  # None: the current key

    def verifies_at(self, now: datetime, window: timedelta) -> bool:
        return self.retired_at is None or now < self.retired_at + window


@dataclass(frozen=True)
class Keyring:
    current: SigningKey
    previous: tuple[SigningKey, ...] = ()

    def find(self, kid: str) -> SigningKey | None:
        """The key named ``kid``, current or retired, whatever its age."""
        for key in (self.current, *self.previous):
            if key.kid == kid:
                return key
        return None

    def verifying_key(self, kid: str, now: datetime, window: timedelta) -> SigningKey | None:
        """The key named ``kid`` if it may still verify at ``now``; else ``None``."""
        key = self.find(kid)
        return key if key is not None and key.verifies_at(now, window) else None

    @classmethod
    def parse(cls, data: Any) -> Keyring:
        if not isinstance(data, dict):
            raise MalformedKeyring("a key secret is a JSON object")
        current = _key(data, retired=False)
        previous = tuple(_key(item, retired=True) for item in data.get("previous") or [])
        kids = [current.kid, *(k.kid for k in previous)]
        if len(set(kids)) != len(kids):
            raise MalformedKeyring("two keys of one ring share a kid")
        return cls(current, previous)

    def to_json(self) -> dict[str, Any]:
        return {
            "kid": self.current.kid,
            "secret": self.current.secret,
            "previous": [
                {"kid": k.kid, "secret": k.secret, "retired_at": _iso(k.retired_at)}
                for k in self.previous
            ],
        }


def _key(data: Any, *, retired: bool) -> SigningKey:
    if not isinstance(data, dict):
        raise MalformedKeyring("a key is a JSON object")
    kid, secret = data.get("kid"), data.get("secret")
    if not isinstance(kid, str) or not KID_PATTERN.match(kid):
        raise MalformedKeyring(f"a kid matches {KID_PATTERN.pattern}")
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        raise MalformedKeyring(f"key {kid!r} needs a secret of {MIN_SECRET_LENGTH}+ characters")
    retired_at = None
    if retired:
        try:
            retired_at = datetime.fromisoformat(str(data["retired_at"]))
        except (KeyError, ValueError) as exc:
            raise MalformedKeyring(f"retired key {kid!r} needs an ISO retired_at") from exc
        if retired_at.tzinfo is None:
            raise MalformedKeyring(f"retired key {kid!r}: retired_at needs a time zone")
    return SigningKey(kid, secret, retired_at)


def _iso(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def new_key(now: datetime) -> SigningKey:
    """A fresh random key; the kid says when it was made (and a random part keeps two
    rotations in one second apart)."""
    kid = f"{now.astimezone(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    return SigningKey(kid, secrets.token_urlsafe(48))


def rotate(
    ring: Keyring,
    now: datetime,
    window: timedelta,
    *,
    fresh: SigningKey | None = None,
    revoke_previous: bool = False,
) -> Keyring:
    """The ring after a rotation at ``now``: a new current key, the old current one retired
    (it still verifies for ``window``), keys whose window has ended dropped. With
    ``revoke_previous`` (a leaked key) no old key verifies any more, at once."""
    fresh = fresh or new_key(now)
    if ring.find(fresh.kid) is not None:
        raise MalformedKeyring(f"kid {fresh.kid!r} is already in the ring")
    if revoke_previous:
        return Keyring(fresh)
    retired = SigningKey(ring.current.kid, ring.current.secret, now)
    kept = tuple(k for k in (retired, *ring.previous) if k.verifies_at(now, window))
    return Keyring(fresh, kept)
