"""JWT access tokens (pyjwt). The algorithm is pinned when decoding: ``none`` and any
other algorithm are rejected. The key comes from configuration, never from code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Unauthorized

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the ``sub`` and ``roles`` of a verified access token."""

    user_id: str
    roles: frozenset[str]


def _key() -> str:
    return get_settings().require("jwt_secret")


def issue_access_token(user_id: str, roles: list[str] | frozenset[str]) -> str:
    issued = clock.now()
    claims = {
        "sub": user_id,
        "roles": sorted(roles),
        "iat": int(issued.timestamp()),
        "exp": int((issued + ACCESS_TTL).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    return jwt.encode(claims, _key(), algorithm=ALGORITHM)


def decode_access_token(token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            _key(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat", "jti", "typ"], "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is not valid.") from exc
    # Expiry is checked against the injectable clock, not the wall clock.
    if claims.get("typ") != "access" or int(claims["exp"]) <= clock.epoch_seconds():
        raise Unauthorized("The access token is not valid.")
    return Principal(user_id=str(claims["sub"]), roles=frozenset(claims.get("roles", [])))
