"""The signed-in user's profile, avatar and roles."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.accounts.models import UniqueKey, User
from chalicelib.accounts.rules import LoginKind, unique_key
from chalicelib.accounts.schemas import UserOut, user_out
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import Conflict, UnknownReference
from chalicelib.core.roles import Role
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.media.uploads import key_prefix, mark_attached, uploaded_object

#: profile fields a user may change with ``PATCH /me`` (mobile and avatar need checks)
PLAIN_FIELDS = ("nick_name", "birthday", "gender", "city")


def get_user(user_id: str) -> User:
    return get_or_404(User, user_id, what="user", consistent_read=True)


def my_profile(user_id: str) -> UserOut:
    return user_out(get_user(user_id))


def update_profile(user_id: str, changes: dict[str, Any]) -> UserOut:
    """Apply the fields present in ``changes`` (``None`` clears an optional field)."""
    user = get_user(user_id)
    actions = []
    for name in PLAIN_FIELDS:
        if name in changes:
            value = changes[name]
            if isinstance(value, date):
                value = value.isoformat()
            if name == "gender" and value is None:
                value = "unspecified"
            attribute = getattr(User, name)
            actions.append(attribute.set(value) if value is not None else attribute.remove())
    reminders = changes["reminders"].changes() if "reminders" in changes else {}
    for name, attribute in (
        ("want_to_see_on_sale", User.remind_on_sale),
        ("before_showtime", User.remind_before_showtime),
    ):
        if name in reminders:
            actions.append(attribute.set(bool(reminders[name])))
    if "avatar_key" in changes:
        actions.append(_avatar_action(user, changes["avatar_key"]))
    if "mobile" in changes and changes["mobile"] != user.mobile:
        _change_mobile(user, changes["mobile"], actions)
    elif actions:
        user.update(actions=actions, condition=User.user_id.exists())
    return my_profile(user_id)


def _avatar_action(user: User, key: str | None) -> Any:
    if key is None:
        return User.avatar_key.remove()
    if not key.startswith(key_prefix("avatar", user.user_id)) or ".." in key:
        raise UnknownReference("avatar_key", "is not an avatar you uploaded")
    if uploaded_object("avatar", key) is None:
        raise UnknownReference("avatar_key", "no valid upload exists under this key")
    mark_attached(key)
    return User.avatar_key.set(key)


def _change_mobile(user: User, mobile: str | None, actions: list[Any]) -> None:
    """Move the mobile's uniqueness item in the same transaction as the profile update."""
    old = user.mobile
    actions.append(User.mobile.set(mobile) if mobile else User.mobile.remove())

    tx = Transaction()
    if mobile:
        tx.put(
            "new_mobile",
            UniqueKey(unique_key(LoginKind.MOBILE, mobile), user_id=user.user_id),
            UniqueKey.key.does_not_exist(),
        )
    if old:
        tx.delete(
            "old_mobile",
            UniqueKey(unique_key(LoginKind.MOBILE, old)),
            UniqueKey.user_id == user.user_id,
        )
    condition = User.mobile == old if old else User.mobile.does_not_exist()
    tx.update("user", user, actions, condition)
    try:
        tx.commit()
    except (ConditionFailed, TransactionContended) as exc:
        raise Conflict("This mobile is already taken.", extra={"field": "mobile"}) from exc


def set_roles(user_id: str, roles: list[Role], cinema_ids: list[str] | None = None) -> User:
    """Replace a user's roles (everyone keeps ``user``) and, when given, the cinemas a
    staff or box-office grant is for (without such a grant it has none). New tokens carry
    the roles; staff routes read them from here on every request, so they apply at once.
    An access token already issued keeps its roles elsewhere until it expires (15 min)."""
    user = get_user(user_id)
    granted = {Role.USER.value, *(r.value for r in roles)}
    actions: list[Action] = [User.roles.set(granted)]
    if not granted & {Role.STAFF.value, Role.BOX_OFFICE.value}:
        actions.append(User.cinema_ids.remove())
    elif cinema_ids is not None:
        actions.append(
            User.cinema_ids.set(set(cinema_ids)) if cinema_ids else User.cinema_ids.remove()
        )
    user.update(actions=actions, condition=User.user_id.exists())
    return get_user(user_id)
