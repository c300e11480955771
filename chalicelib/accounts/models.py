"""Accounts tables.

Uniqueness of username, e-mail and mobile is enforced by one ``UniqueKey`` item per
value, written with ``attribute_not_exists`` in the same transaction as the user: a GSI
alone cannot refuse a duplicate, and two racing registrations cannot both commit.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


@register_table
class User(Model):
    Meta = table_meta("users")

    user_id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    email = UnicodeAttribute()  # stored lower-case
    mobile = UnicodeAttribute(null=True)  # E.164
    password_hash = UnicodeAttribute()
    nick_name = UnicodeAttribute(null=True)
    birthday = UnicodeAttribute(null=True)  # ISO date
    gender = UnicodeAttribute(default="unspecified")
    city = UnicodeAttribute(null=True)
    avatar_key = UnicodeAttribute(null=True)
    roles = UnicodeSetAttribute(default=lambda: {"user"})
    # the cinemas a staff or box-office grant is for (chalicelib/boxoffice/staff.py)
    cinema_ids = UnicodeSetAttribute(null=True)
    is_active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    # Bumped by a password reset: access tokens issued before it are not revoked (they
    # live 15 minutes), but every refresh token is.
    password_changed_at = UTCDateTimeAttribute(null=True)
    # e-mail reminders the user opted in to (chalicelib.selling.reminders); unset: no
    remind_on_sale = BooleanAttribute(null=True)
    remind_before_showtime = BooleanAttribute(null=True)


@register_table
class UniqueKey(Model):
    """``username#ann``, ``email#ann@example.com`` or ``mobile#+8613800000000`` -> user."""

    Meta = table_meta("user-keys")

    key = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()


@register_table
class VerificationCode(Model):
    """The newest code for one (purpose, address): a new send overwrites the old one."""

    Meta = table_meta("verification-codes")

    key = UnicodeAttribute(hash_key=True)  # "<purpose>#<email>"
    code_hash = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)
    used = BooleanAttribute(default=False)
    expires_at = TTLAttribute()  # DynamoDB removes it some time after the resend gap


class RefreshTokensByFamily(GlobalSecondaryIndex["RefreshToken"]):
    class Meta:
        index_name = "by-family"
        projection = AllProjection()

    family_id = UnicodeAttribute(hash_key=True)


@register_table
class RefreshToken(Model):
    """One issued refresh token (by its ``jti``). A login starts a family; each refresh
    rotates to a new member. Presenting a ``rotated`` member again means it was stolen
    or replayed, so the whole family is revoked."""

    Meta = table_meta("refresh-tokens")

    jti = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    family_id = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | rotated | revoked
    issued_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    by_family = RefreshTokensByFamily()


class FamiliesByUser(GlobalSecondaryIndex["TokenFamily"]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)


@register_table
class TokenFamily(Model):
    """One signed-in session: the authority on whether its refresh tokens still work.

    Revoking it is one write, and every rotation checks it in the same transaction, so a
    revocation cannot be missed the way a scan of its tokens through a GSI could.
    """

    Meta = table_meta("token-families")

    family_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | revoked
    started_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()  # the newest member's expiry

    by_user = FamiliesByUser()


@register_table
class LoginGuard(Model):
    """Failed logins of one account (or one unknown login name) in the current window."""

    Meta = table_meta("login-guards")

    key = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    window_started_at = UTCDateTimeAttribute()
    locked_until = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()
    version = VersionAttribute()
