"""Accounts routes: codes, register, login, tokens, the profile, roles."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from chalice import Blueprint
from pydantic import AfterValidator, ConfigDict, Field

from chalicelib.accounts import profile, service
from chalicelib.accounts.models import User
from chalicelib.accounts.roles import Role
from chalicelib.accounts.rules import E164, EMAIL, USERNAME, Purpose
from chalicelib.accounts.sessions import TokenPair
from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import route
from chalicelib.boxoffice import staff
from chalicelib.core.ids import Id
from chalicelib.core.schema import Schema

bp = Blueprint(__name__)
TAGS = ("accounts",)


def _email(value: str) -> str:
    value = value.strip().lower()
    if not EMAIL.match(value):
        raise ValueError("is not an e-mail address")
    return value


def _username(value: str) -> str:
    if not USERNAME.match(value):
        raise ValueError("must be 3-30 letters, digits, '_', '.' or '-'")
    return value


def _mobile(value: str | None) -> str | None:
    if value is not None and not E164.match(value):
        raise ValueError("must be in E.164 form, like +8613800138000")
    return value


Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Username = Annotated[str, AfterValidator(_username)]
Password = Annotated[str, Field(min_length=1, max_length=128)]
Code = Annotated[str, Field(pattern=r"^\d{6}$")]


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
    login: str = Field(min_length=1, max_length=254)
    password: Password


class RefreshRequest(Body):
    refresh_token: str = Field(min_length=1, max_length=4096)


class PasswordResetRequest(Body):
    email: Email
    code: Code
    new_password: Password


class ProfilePatch(Body):
    nick_name: str | None = Field(default=None, max_length=50)
    birthday: date | None = None
    gender: Literal["male", "female", "unspecified"] | None = None
    city: str | None = Field(default=None, max_length=100)
    mobile: Annotated[str | None, AfterValidator(_mobile)] = None
    avatar_key: str | None = Field(default=None, max_length=300)


class RolesRequest(Body):
    roles: list[Role] = Field(max_length=5)
    # the cinemas a staff or box-office grant is for; omitted: unchanged
    cinema_ids: list[Id] | None = Field(default=None, max_length=100)


class UserOut(Schema):
    user_id: str
    username: str
    email: str
    mobile: str | None
    nick_name: str | None
    birthday: str | None
    gender: str
    city: str | None
    avatar_key: str | None
    avatar_url: str | None
    roles: list[str]
    cinema_ids: list[str]
    is_active: bool
    created_at: str


class TokensOut(Schema):
    user: UserOut
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


def _tokens(user: User, pair: TokenPair) -> TokensOut:
    return TokensOut(
        user=UserOut(**profile.public_view(user)),
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


@route(bp, "/auth/codes", methods=("POST",), body=CodeRequest, status=202, tags=TAGS)
def send_code(body: CodeRequest) -> dict[str, Any]:
    """E-mail a 6-digit code (register or reset_password); one per address per 60 s."""
    service.request_code(body.email, body.purpose)
    return {"status": "accepted"}


@route(
    bp,
    "/auth/register",
    methods=("POST",),
    body=RegisterRequest,
    response=TokensOut,
    status=201,
    tags=TAGS,
)
def register(body: RegisterRequest) -> TokensOut:
    """Create an account with an e-mailed code; answers with a signed-in token pair."""
    user, pair = service.register(body.email, body.code, body.username, body.password)
    return _tokens(user, pair)


@route(bp, "/auth/login", methods=("POST",), body=LoginRequest, response=TokensOut, tags=TAGS)
def login(body: LoginRequest) -> TokensOut:
    """Sign in with username, e-mail or mobile and the password."""
    user, pair = service.login(body.login, body.password)
    return _tokens(user, pair)


@route(bp, "/auth/refresh", methods=("POST",), body=RefreshRequest, tags=TAGS)
def refresh(body: RefreshRequest) -> dict[str, Any]:
    """Exchange a refresh token for a new pair (the old one stops working)."""
    pair = service.refresh(body.refresh_token)
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
        "token_type": "Bearer",
    }


@route(bp, "/auth/logout", methods=("POST",), body=RefreshRequest, auth=Role.USER, tags=TAGS)
def logout(body: RefreshRequest, principal: Principal) -> None:
    """End the session the refresh token belongs to."""
    service.logout(body.refresh_token, principal.user_id)


@route(bp, "/auth/password-reset", methods=("POST",), body=PasswordResetRequest, tags=TAGS)
def password_reset(body: PasswordResetRequest) -> None:
    """Set a new password with an e-mailed code; every session of the user ends."""
    service.reset_password(body.email, body.code, body.new_password)


@route(bp, "/me", response=UserOut, auth=Role.USER, tags=TAGS)
def get_me(principal: Principal) -> UserOut:
    """The caller's profile, with a temporary avatar URL."""
    return UserOut(**profile.public_view(profile.get_user(principal.user_id)))


@route(
    bp, "/me", methods=("PATCH",), body=ProfilePatch, response=UserOut, auth=Role.USER, tags=TAGS
)
def patch_me(body: ProfilePatch, principal: Principal) -> UserOut:
    """Change profile fields; only the fields sent are changed (null clears one)."""
    user = profile.update_profile(principal.user_id, body.model_dump(exclude_unset=True))
    return UserOut(**profile.public_view(user))


@route(
    bp,
    "/users/{user_id}/roles",
    methods=("POST",),
    body=RolesRequest,
    response=UserOut,
    auth=Role.ADMIN,
    tags=TAGS,
)
def set_roles(user_id: str, body: RolesRequest) -> UserOut:
    """Replace a user's roles (admin only); ``user`` is always kept. ``cinema_ids``: the
    cinemas a ``staff`` or ``box_office`` grant is for (staff routes check it at once)."""
    user = staff.grant(user_id, body.roles, body.cinema_ids)
    return UserOut(**profile.public_view(user))
