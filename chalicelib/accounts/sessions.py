"""Signed-in sessions: token pairs, refresh-token rotation and revocation.

A login starts a token family. Each refresh marks the presented token ``rotated`` and
issues the next one, in one transaction that also requires the family to be active.
Presenting a rotated token again (a thief or a replay) revokes the whole family.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.accounts.models import RefreshToken, TokenFamily, User
from chalicelib.accounts.tokens import (
    access_ttl,
    decode_refresh_token,
    issue_access_token,
    issue_refresh_token,
)
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.core.observability import logger
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended

ACTIVE, ROTATED, REVOKED = "active", "rotated", "revoked"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token is valid


def _refresh_ttl() -> timedelta:
    return timedelta(seconds=get_settings().refresh_token_ttl_seconds)


def _pair(user: User, token: RefreshToken) -> TokenPair:
    refresh = issue_refresh_token(
        user.user_id,
        jti=token.jti,
        family_id=token.family_id,
        issued=token.issued_at,
        valid_until=token.valid_until,
    )
    access = issue_access_token(user.user_id, set(user.roles))
    return TokenPair(access, refresh, int(access_ttl().total_seconds()))


def _new_token(user_id: str, family_id: str) -> RefreshToken:
    now = clock.now()
    valid_until = now + _refresh_ttl()
    return RefreshToken(
        uuid.uuid4().hex,
        user_id=user_id,
        family_id=family_id,
        status=ACTIVE,
        issued_at=now,
        valid_until=valid_until,
        expires_at=valid_until,
    )


def start_session(user: User) -> TokenPair:
    """A new token family for a fresh login or registration."""
    token = _new_token(user.user_id, uuid.uuid4().hex)
    family = TokenFamily(
        token.family_id,
        user_id=user.user_id,
        status=ACTIVE,
        started_at=token.issued_at,
        expires_at=token.valid_until,
    )

    tx = Transaction()
    tx.put("family", family, TokenFamily.family_id.does_not_exist())
    tx.put("token", token, RefreshToken.jti.does_not_exist())
    tx.commit()
    return _pair(user, token)


def rotate(refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair; a reused token revokes its family."""
    claims = decode_refresh_token(refresh_token)
    invalid = Unauthorized("The refresh token is not valid.")
    token = get_or_none(RefreshToken, claims.jti, consistent_read=True)
    family = get_or_none(TokenFamily, claims.family_id, consistent_read=True)
    if token is None or family is None:
        raise invalid
    if token.user_id != claims.user_id or token.family_id != family.family_id:
        raise invalid
    if token.status == ROTATED:
        logger.warning("refresh token reused", extra={"family_id": family.family_id})
        revoke_family(family.family_id)
        raise Unauthorized("This refresh token was already used; sign in again.")
    now = clock.now()
    if token.status != ACTIVE or family.status != ACTIVE or now >= token.valid_until:
        raise invalid
    user = get_or_none(User, claims.user_id, consistent_read=True)
    if user is None:
        raise invalid
    changed = user.password_changed_at
    if not user.is_active or (changed is not None and family.started_at < changed):
        revoke_family(family.family_id)
        raise invalid

    successor = _new_token(user.user_id, family.family_id)

    tx = Transaction()
    tx.update("token", token, [RefreshToken.status.set(ROTATED)], RefreshToken.status == ACTIVE)
    tx.update(
        "family",
        family,
        [TokenFamily.expires_at.set(successor.valid_until)],
        TokenFamily.status == ACTIVE,
    )
    tx.put("successor", successor, RefreshToken.jti.does_not_exist())
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as exc:
        # Someone rotated this token (or revoked the family) a moment ago: a reuse.
        revoke_family(family.family_id)
        raise Unauthorized("This refresh token was already used; sign in again.") from exc
    return _pair(user, successor)


def revoke_family(family_id: str) -> None:
    """One write makes every token of the family useless; members are marked for the sweeper."""
    if not conditionally(
        lambda: TokenFamily(family_id).update(
            actions=[TokenFamily.status.set(REVOKED)],
            condition=TokenFamily.family_id.exists(),
        )
    ):
        return  # already gone (swept): nothing can refresh through it
    for member in RefreshToken.by_family.query(family_id):
        if member.status != REVOKED:
            try:
                member.update(actions=[RefreshToken.status.set(REVOKED)])
            except (UpdateError, PutError):
                logger.warning("could not mark a revoked token", extra={"jti": member.jti})


def revoke_all(user_id: str) -> int:
    """Revoke every session of a user (password reset). The user's
    ``password_changed_at`` also stops families the index has not caught up with."""
    count = 0
    for family in TokenFamily.by_user.query(user_id):
        if family.status == ACTIVE:
            revoke_family(family.family_id)
            count += 1
    return count


def end_session(refresh_token: str, user_id: str) -> None:
    """Logout: the presented token's family is revoked. Only its owner may do that."""
    claims = decode_refresh_token(refresh_token)
    if claims.user_id != user_id:
        raise Forbidden("This refresh token belongs to someone else.")
    revoke_family(claims.family_id)
