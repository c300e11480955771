"""What the accounts area accepts and answers: request models (``*Request``, ``*Patch``),
response models (``*Out``) and the one function per answer that builds it (``*_out``).

Every constraint the service enforces on a field is stated here, so ``/openapi.json``
says exactly what is accepted (patterns are written to mean the same in JSON Schema's
ECMA regexes, in pydantic's and in Python's).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import MISSING, AfterValidator, ConfigDict, Field

from chalicelib.accounts import rules
from chalicelib.accounts.passwords import MAX_LENGTH, MIN_LENGTH, NOT_ONLY_DIGITS
from chalicelib.accounts.rules import Purpose
from chalicelib.core.clock import Timestamp
from chalicelib.core.ids import Id
from chalicelib.core.roles import Role
from chalicelib.core.schema import Day, Patch, Schema
from chalicelib.media.uploads import download_url

if TYPE_CHECKING:
    from chalicelib.accounts.models import User
    from chalicelib.accounts.sessions import TokenPair

Email = Annotated[
    str,
    Field(max_length=254, pattern=rules.EMAIL_PATTERN, description="Stored lower-case."),
    AfterValidator(rules.normalize_email),
]
Username = Annotated[
    str,
    Field(
        pattern=rules.USERNAME_PATTERN,
        description="3-30 letters (Latin or CJK), digits, '_', '.' or '-'.",
    ),
]
Password = Annotated[
    str,
    Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        pattern=NOT_ONLY_DIGITS,
        description=f"{MIN_LENGTH}-{MAX_LENGTH} characters, not only digits.",
    ),
]
Code = Annotated[str, Field(pattern=rules.CODE_PATTERN, description="The 6 e-mailed digits.")]
Mobile = Annotated[str, Field(pattern=rules.E164_PATTERN, description="E.164: +8613800138000")]
Gender = Literal["male", "female", "unspecified"]


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class CodeRequest(Body):
    email: Email
    purpose: Purpose


class RegisterRequest(Body):
    email: Email
    code: Code
    username: Username
    password: Password


class LoginRequest(Body):
    login: str = Field(
        min_length=1, max_length=254, description="Username, e-mail or mobile (E.164)."
    )
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class RefreshRequest(Body):
    refresh_token: str = Field(min_length=1, max_length=4096)


class PasswordResetRequest(Body):
    email: Email
    code: Code
    new_password: Password


class RemindersPatch(Patch):
    """Only the reminders sent change."""

    want_to_see_on_sale: bool | MISSING = Field(
        default=MISSING, description="E-mail me once when a movie I want is on sale in my city."
    )
    before_showtime: bool | MISSING = Field(
        default=MISSING, description="E-mail me my ticket codes 2 hours before the showtime."
    )


class ProfilePatch(Patch):
    """Only the fields sent change; ``null`` clears a field (``gender`` back to
    ``unspecified``)."""

    nick_name: str | MISSING | None = Field(default=MISSING, max_length=50)
    birthday: Day | MISSING | None = MISSING
    gender: Gender | MISSING | None = MISSING
    city: str | MISSING | None = Field(default=MISSING, max_length=100)
    mobile: Mobile | MISSING | None = MISSING
    avatar_key: str | MISSING | None = Field(
        default=MISSING, max_length=300, description="The key of an avatar you uploaded."
    )
    reminders: RemindersPatch | MISSING = MISSING


class RolesRequest(Body):
    roles: list[Role] = Field(max_length=len(Role))
    cinema_ids: list[Id] | None = Field(
        default=None,
        max_length=100,
        description="The cinemas a staff or box_office grant is for; omitted: unchanged.",
    )


class CodeSent(Schema):
    status: Literal["accepted"] = "accepted"


class RemindersOut(Schema):
    want_to_see_on_sale: bool
    before_showtime: bool


class UserOut(Schema):
    user_id: str
    username: str
    email: str
    mobile: str | None
    nick_name: str | None
    birthday: Day | None
    gender: Gender
    city: str | None
    avatar_key: str | None
    avatar_url: str | None = Field(description="A temporary link to the avatar.")
    roles: list[Role]
    cinema_ids: list[str] = Field(description="The cinemas a staff or box_office grant is for.")
    is_active: bool
    reminders: RemindersOut
    created_at: Timestamp


class TokenPairOut(Schema):
    access_token: str
    refresh_token: str
    expires_in: int = Field(description="Seconds the access token is valid.")
    token_type: Literal["Bearer"] = "Bearer"


class TokensOut(TokenPairOut):
    user: UserOut


def user_out(user: User) -> UserOut:
    """How a user leaves the API (never the password hash)."""
    return UserOut(
        user_id=user.user_id,
        username=user.username,
        email=user.email,
        mobile=user.mobile,
        nick_name=user.nick_name,
        birthday=date.fromisoformat(user.birthday) if user.birthday else None,
        gender=user.gender,  # type: ignore[arg-type]  # stored from Gender only
        city=user.city,
        avatar_key=user.avatar_key,
        avatar_url=download_url(user.avatar_key) if user.avatar_key else None,
        roles=sorted(Role(r) for r in user.roles),
        cinema_ids=sorted(user.cinema_ids or ()),
        is_active=user.is_active,
        reminders=RemindersOut(
            want_to_see_on_sale=bool(user.remind_on_sale),
            before_showtime=bool(user.remind_before_showtime),
        ),
        created_at=user.created_at,
    )


def token_pair_out(pair: TokenPair) -> TokenPairOut:
    return TokenPairOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


def tokens_out(user: User, pair: TokenPair) -> TokensOut:
    return TokensOut(
        user=user_out(user),
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )
