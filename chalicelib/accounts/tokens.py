"""JWTs (pyjwt): short-lived access tokens and rotating refresh tokens.

The algorithm is pinned when decoding, so ``none`` and any other algorithm are rejected;
``typ`` keeps the two kinds apart (an access token is no refresh token and vice versa).
The key comes from configuration, never from code. Expiry is checked against the
injectable clock, not the wall clock, so it is testable without sleeping.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Unauthorized

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)  # the default of ``access_token_ttl_seconds``
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


def _key() -> str:
    return get_settings().require("jwt_secret")


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
    return jwt.encode(claims, _key(), algorithm=ALGORITHM)


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
    return jwt.encode(claims, _key(), algorithm=ALGORITHM)


def _decode(token: str, typ: str, what: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _key(),
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
