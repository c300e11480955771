"""Accounts routes: codes, register, login, tokens, the profile, roles."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.accounts import profile, service
from chalicelib.accounts.schemas import (
    CodeRequest,
    CodeSent,
    LoginRequest,
    PasswordResetRequest,
    ProfilePatch,
    RefreshRequest,
    RegisterRequest,
    RolesRequest,
    TokenPairOut,
    TokensOut,
    UserOut,
    user_out,
)
from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Link, route
from chalicelib.boxoffice import staff
from chalicelib.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    UnknownReference,
)
from chalicelib.core.roles import Role

bp = Blueprint(__name__)
TAGS = ("accounts",)
POST = ("POST",)

#: what a signed-in client does next: read the profile, refresh or end the session
SIGNED_IN = {
    "profile": Link("get_me", description="The profile of who just signed in."),
    "refresh": Link(
        "refresh", body={"refresh_token": "$response.body#/refresh_token"}, description="Renew."
    ),
}


@route(
    bp,
    "/auth/codes",
    methods=POST,
    body=CodeRequest,
    response=CodeSent,
    status=202,
    errors=(Conflict,),
    tags=TAGS,
)
def send_code(body: CodeRequest) -> CodeSent:
    """E-mail a 6-digit code (register or reset_password); one per address per 60 s.

    409 when a register code is asked for an address that has an account; 429 (with
    Retry-After) within 60 s of the last code."""
    service.request_code(body.email, body.purpose)
    return CodeSent()


@route(
    bp,
    "/auth/register",
    methods=POST,
    body=RegisterRequest,
    response=TokensOut,
    status=201,
    errors=(Conflict,),
    links={
        **SIGNED_IN,
        "login": Link(
            "login",
            body={
                "login": "$request.body#/username",
                "password": "$request.body#/password",
            },
            description="Sign in again with the new account.",
        ),
    },
    tags=TAGS,
)
def register(body: RegisterRequest) -> TokensOut:
    """Create an account with an e-mailed code; answers with a signed-in token pair.

    409 names the taken username or e-mail (``field``); a wrong or used code is a 422."""
    return service.register(body.email, body.code, body.username, body.password)


@route(
    bp,
    "/auth/login",
    methods=POST,
    body=LoginRequest,
    response=TokensOut,
    errors=(TooManyRequests,),
    links={**SIGNED_IN, "place_order": Link("place_order", description="Book seats.")},
    tags=TAGS,
)
def login(body: LoginRequest) -> TokensOut:
    """Sign in with username, e-mail or mobile and the password.

    Any wrong credential is the same 401; after 5 failures the account is locked (429)."""
    return service.login(body.login, body.password)


@route(
    bp,
    "/auth/refresh",
    methods=POST,
    body=RefreshRequest,
    response=TokenPairOut,
    errors=(Forbidden,),
    tags=TAGS,
)
def refresh(body: RefreshRequest) -> TokenPairOut:
    """Exchange a refresh token for a new pair (the old one stops working)."""
    return service.refresh(body.refresh_token)


@route(
    bp,
    "/auth/logout",
    methods=POST,
    body=RefreshRequest,
    status=204,
    auth=Role.USER,
    errors=(Forbidden,),
    tags=TAGS,
)
def logout(body: RefreshRequest, principal: Principal) -> None:
    """End the session the refresh token belongs to (403 for someone else's)."""
    service.logout(body.refresh_token, principal.user_id)


@route(bp, "/auth/password-reset", methods=POST, body=PasswordResetRequest, status=204, tags=TAGS)
def password_reset(body: PasswordResetRequest) -> None:
    """Set a new password with an e-mailed code; every session of the user ends."""
    service.reset_password(body.email, body.code, body.new_password)


# NotFound: a valid token whose account is gone (deleted after the token was issued)
@route(bp, "/me", response=UserOut, auth=Role.USER, errors=(NotFound,), tags=TAGS)
def get_me(principal: Principal) -> UserOut:
    """The caller's profile, with a temporary avatar URL."""
    return profile.my_profile(principal.user_id)


@route(
    bp,
    "/me",
    methods=("PATCH",),
    body=ProfilePatch,
    response=UserOut,
    auth=Role.USER,
    errors=(Conflict, NotFound, UnknownReference),
    tags=TAGS,
)
def patch_me(body: ProfilePatch, principal: Principal) -> UserOut:
    """Change profile fields; only the fields sent are changed (null clears one).

    404 when ``avatar_key`` names no avatar of yours; 409 when the mobile belongs to another
    account."""
    return profile.update_profile(principal.user_id, body.changes())


@route(
    bp,
    "/users/{user_id}/roles",
    methods=POST,
    body=RolesRequest,
    response=UserOut,
    auth=Role.ADMIN,
    errors=(UnknownReference,),
    tags=TAGS,
)
def set_roles(user_id: str, body: RolesRequest) -> UserOut:
    """Replace a user's roles (admin only); ``user`` is always kept. ``cinema_ids``: the
    cinemas a ``staff`` or ``box_office`` grant is for (staff routes check it at once)."""
    return user_out(staff.grant(user_id, body.roles, body.cinema_ids))
