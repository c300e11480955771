"""Bans from posting, set and lifted by moderators."""

from __future__ import annotations

from chalicelib.accounts.models import User
from chalicelib.community.models import Ban
from chalicelib.community.schemas import BanOut, ban_out
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_404, get_or_none
from chalicelib.core.errors import Conflict, Forbidden
from chalicelib.core.roles import Role, has_role


def is_banned(user_id: str) -> bool:
    return get_or_none(Ban, user_id, consistent_read=True) is not None


def ensure_not_banned(user_id: str) -> None:
    if is_banned(user_id):
        raise Forbidden("You are banned from posting.")


def ban(
    user_id: str, moderator_id: str, reason: str | None = None, *, by_admin: bool = False
) -> BanOut:
    """Ban a user; banning someone already banned keeps the first ban (idempotent).

    Moderators cannot silence each other (or an admin): only an admin bans a moderator.
    """
    if user_id == moderator_id:
        raise Conflict("You cannot ban yourself.")
    target = get_or_404(User, user_id, what="user", attributes_to_get=["user_id", "roles"])
    if has_role(set(target.roles or ()), Role.MODERATOR) and not by_admin:
        raise Forbidden("Only an admin may ban a moderator or an admin.")
    record = Ban(user_id, banned_by=moderator_id, banned_at=clock.now(), reason=reason)
    if not conditionally(lambda: record.save(Ban.user_id.does_not_exist())):
        record = Ban.get(user_id, consistent_read=True)
    return ban_out(record)


def unban(user_id: str) -> None:
    """Lift a ban; lifting one that is not there changes nothing."""
    Ban(user_id).delete()
