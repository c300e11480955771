"""JWTs (pyjwt): short-lived access tokens and rotating refresh tokens.

The algorithm is pinned when decoding, so ``none`` and any other algorithm are rejected;
``typ`` keeps the two kinds apart (an access token is no refresh token and vice versa).
The keys are the ``jwt`` ring (``chalicelib.core.signing``): the header's ``kid`` names the
key that signed, so after a rotation tokens of the previous key still verify for the
overlap window, and a token without a known kid is refused. Expiry is checked against
the injectable clock, not the wall clock, so it is testable without sleeping.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Unauthorized
from chalicelib.core.signing import current_key, verifying_key

ALGORITHM = "HS256"
ACCESS, REFRESH = "access", "refresh"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the ``sub`` and ``roles`` of a verified access token."""

    user_id: str
    roles: frozenset[str]


@dataclass(frozen=True)
class RefreshClaims:
    user_id: str
    jti: str
    family_id: str


def _jwt() -> Any:
    """pyjwt, loaded by the first request that carries or gets a token: it loads
    cryptography, which an anonymous request (a seat map) never needs."""
    import jwt

    return jwt


def _encode(claims: dict[str, Any]) -> str:
    key = current_key("jwt")
    return str(_jwt().encode(claims, key.secret, algorithm=ALGORITHM, headers={"kid": key.kid}))


def access_ttl() -> timedelta:
    return timedelta(seconds=get_settings().access_token_ttl_seconds)


def issue_access_token(user_id: str, roles: list[str] | frozenset[str] | set[str]) -> str:
    issued = clock.now()
    claims = {
        "sub": user_id,
        "roles": sorted(roles),
        "iat": int(issued.timestamp()),
        "exp": int((issued + access_ttl()).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": ACCESS,
    }
    return _encode(claims)


def issue_refresh_token(
    user_id: str, *, jti: str, family_id: str, issued: datetime, valid_until: datetime
) -> str:
    claims = {
        "sub": user_id,
        "iat": int(issued.timestamp()),
        "exp": int(valid_until.timestamp()),
        "jti": jti,
        "fam": family_id,
        "typ": REFRESH,
    }
    return _encode(claims)


def _decode(token: str, typ: str, what: str) -> dict[str, Any]:
    jwt = _jwt()
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = verifying_key("jwt", kid) if isinstance(kid, str) else None
        if key is None:
            raise Unauthorized(f"The {what} is not valid.")
        claims: dict[str, Any] = jwt.decode(
            token,
            key.secret,
            algorithms=[ALGORITHM],
            # Time claims are checked below against the injectable clock, not pyjwt's.
            options={
                "require": ["sub", "exp", "iat", "jti", "typ"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The {what} is not valid.") from exc
    now = clock.epoch_seconds()
    if claims.get("typ") != typ or not int(claims["iat"]) - 60 <= now < int(claims["exp"]):
        raise Unauthorized(f"The {what} is not valid.")
    return claims


def decode_access_token(token: str) -> Principal:
    claims = _decode(token, ACCESS, "access token")
    return Principal(user_id=str(claims["sub"]), roles=frozenset(claims.get("roles", [])))


def decode_refresh_token(token: str) -> RefreshClaims:
    claims = _decode(token, REFRESH, "refresh token")
    if not claims.get("fam"):
        raise Unauthorized("The refresh token is not valid.")
    return RefreshClaims(
        user_id=str(claims["sub"]), jti=str(claims["jti"]), family_id=str(claims["fam"])
    )
