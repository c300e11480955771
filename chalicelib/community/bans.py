"""Bans from posting, set and lifted by moderators."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.accounts.models import User
from chalicelib.accounts.roles import Role, has_role
from chalicelib.community.models import Ban
from chalicelib.core import clock
from chalicelib.core.clock import isoformat
from chalicelib.core.errors import Conflict, Forbidden, NotFound


def is_banned(user_id: str) -> bool:
    try:
        Ban.get(user_id, consistent_read=True)
    except Ban.DoesNotExist:
        return False
    return True


def ensure_not_banned(user_id: str) -> None:
    if is_banned(user_id):
        raise Forbidden("You are banned from posting.")


def ban(
    user_id: str, moderator_id: str, reason: str | None = None, *, by_admin: bool = False
) -> dict[str, Any]:
    """Ban a user; banning someone already banned keeps the first ban (idempotent).

    Moderators cannot silence each other (or an admin): only an admin bans a moderator.
    """
    if user_id == moderator_id:
        raise Conflict("You cannot ban yourself.")
    try:
        target = User.get(user_id, attributes_to_get=["user_id", "roles"])
    except User.DoesNotExist as exc:
        raise NotFound("No such user.") from exc
    if has_role(set(target.roles or ()), Role.MODERATOR) and not by_admin:
        raise Forbidden("Only an admin may ban a moderator or an admin.")
    record = Ban(user_id, banned_by=moderator_id, banned_at=clock.now(), reason=reason)
    try:
        record.save(Ban.user_id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        record = Ban.get(user_id, consistent_read=True)
    return describe(record)


def unban(user_id: str) -> None:
    """Lift a ban; lifting one that is not there changes nothing."""
    Ban(user_id).delete()


def describe(record: Ban) -> dict[str, Any]:
    return {
        "user_id": record.user_id,
        "banned": True,
        "banned_by": record.banned_by,
        "banned_at": isoformat(record.banned_at),
        "reason": record.reason,
    }
