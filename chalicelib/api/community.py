"""Community routes: ratings, want-to-see, comments and likes, bans, browsing history."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from chalice import Blueprint
from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.accounts.roles import Role, has_role
from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Reply, route
from chalicelib.community import bans, comments, history, likes, ratings, threads, wants
from chalicelib.community.rules import COMMENT_MAX_CHARS, MAX_STARS, MIN_STARS, Viewer
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.core.schema import Schema

bp = Blueprint(__name__)
TAGS = ("community",)

CommentText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=COMMENT_MAX_CHARS)
]


class RatingBody(Schema):
    model_config = ConfigDict(extra="forbid")

    stars: int = Field(strict=True, ge=MIN_STARS, le=MAX_STARS)


class RatingOut(Schema):
    movie_id: str
    stars: int | None
    rating_count: int
    rating_average: float | None


class WantOut(Schema):
    movie_id: str
    wanted: bool


class NewComment(Schema):
    model_config = ConfigDict(extra="forbid")

    body: CommentText
    reply_to: str | None = Field(default=None, min_length=1, max_length=64)


class CommentEdit(Schema):
    model_config = ConfigDict(extra="forbid")

    body: CommentText


class LikeOut(Schema):
    comment_id: str
    liked: bool
    like_count: int


class BanBody(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


def _principal(principal: Principal | None) -> Principal:
    assert principal is not None  # the route requires a signed-in caller
    return principal


def _viewer(principal: Principal | None) -> Viewer:
    if principal is None:
        return Viewer(user_id=None)
    return threads.viewer_for(principal.user_id, has_role(principal.roles, Role.MODERATOR))


# Ratings and want-to-see


@route(
    bp, "/movies/{movie_id}/rating", methods=("GET",), response=RatingOut, auth=Role.USER, tags=TAGS
)
def my_rating(movie_id: str, principal: Principal | None) -> RatingOut:
    """The caller's rating of a movie (``stars`` null when not rated) and the average."""
    return RatingOut(**asdict(ratings.state(movie_id, _principal(principal).user_id)))


@route(
    bp,
    "/movies/{movie_id}/rating",
    methods=("PUT",),
    body=RatingBody,
    response=RatingOut,
    auth=Role.USER,
    tags=TAGS,
)
def rate_movie(movie_id: str, body: RatingBody, principal: Principal | None) -> RatingOut:
    """Rate a movie 1-10 stars, or change the caller's rating."""
    state = ratings.rate(movie_id, _principal(principal).user_id, body.stars)
    return RatingOut(**asdict(state))


@route(bp, "/movies/{movie_id}/rating", methods=("DELETE",), status=204, auth=Role.USER, tags=TAGS)
def unrate_movie(movie_id: str, principal: Principal | None) -> None:
    """Remove the caller's rating (nothing happens if there is none)."""
    ratings.unrate(movie_id, _principal(principal).user_id)


@route(bp, "/movies/{movie_id}/want", methods=("PUT",), response=WantOut, auth=Role.USER, tags=TAGS)
def want_movie(movie_id: str, principal: Principal | None) -> WantOut:
    """Mark a movie as want-to-see (idempotent)."""
    wants.want(movie_id, _principal(principal).user_id)
    return WantOut(movie_id=movie_id, wanted=True)


@route(bp, "/movies/{movie_id}/want", methods=("DELETE",), status=204, auth=Role.USER, tags=TAGS)
def unwant_movie(movie_id: str, principal: Principal | None) -> None:
    """Remove the want-to-see mark (idempotent)."""
    wants.unwant(movie_id, _principal(principal).user_id)


@route(bp, "/me/wants", query=PageQuery, response=Page[dict[str, Any]], auth=Role.USER, tags=TAGS)
def list_my_wants(query: PageQuery, principal: Principal | None) -> Page[dict[str, Any]]:
    """Movies the caller wants to see, newest mark first, with titles."""
    return wants.my_wants(_principal(principal).user_id, query)


@route(bp, "/me/history", response=Page[dict[str, Any]], auth=Role.USER, tags=TAGS)
def list_my_history(principal: Principal | None) -> Page[dict[str, Any]]:
    """The last 20 distinct movies the caller opened, newest first."""
    items = history.my_history(_principal(principal).user_id)
    return Page[dict[str, Any]](items=items, next_cursor=None)


# Comments and likes


@route(
    bp,
    "/movies/{movie_id}/comments",
    query=PageQuery,
    response=Page[dict[str, Any]],
    auth="optional",
    tags=TAGS,
)
def list_comments(
    movie_id: str, query: PageQuery, principal: Principal | None
) -> Page[dict[str, Any]]:
    """Root comments newest first, each with its replies and what the caller may do."""
    return threads.list_comments(movie_id, _viewer(principal), query)


@route(
    bp,
    "/comments/{comment_id}/replies",
    query=PageQuery,
    response=Page[dict[str, Any]],
    auth="optional",
    tags=TAGS,
)
def list_replies(
    comment_id: str, query: PageQuery, principal: Principal | None
) -> Page[dict[str, Any]]:
    """Every reply of a root comment, oldest first (continues a root's ``replies_cursor``)."""
    return threads.list_replies(comment_id, _viewer(principal), query)


@route(
    bp,
    "/movies/{movie_id}/comments",
    methods=("POST",),
    body=NewComment,
    status=201,
    auth=Role.USER,
    tags=TAGS,
)
def post_comment(movie_id: str, body: NewComment, principal: Principal | None) -> Reply:
    """Comment on a movie, or reply to a comment (a reply to a reply joins its root)."""
    comment = comments.post_comment(
        movie_id, _principal(principal).user_id, body.body, body.reply_to
    )
    return Reply(
        threads.describe(comment),
        status=201,
        headers={"Location": f"/movies/{movie_id}/comments#{comment.comment_id}"},
    )


@route(
    bp, "/comments/{comment_id}", methods=("PATCH",), body=CommentEdit, auth=Role.USER, tags=TAGS
)
def edit_comment(comment_id: str, body: CommentEdit, principal: Principal | None) -> Any:
    """Edit one's own comment."""
    comment = comments.edit_comment(comment_id, _principal(principal).user_id, body.body)
    return threads.describe(comment)


@route(bp, "/comments/{comment_id}", methods=("DELETE",), status=204, auth=Role.USER, tags=TAGS)
def delete_comment(comment_id: str, principal: Principal | None) -> None:
    """Delete one's own comment, or any comment as a moderator."""
    comments.delete_comment(comment_id, _viewer(principal))


@route(
    bp, "/comments/{comment_id}/like", methods=("PUT",), response=LikeOut, auth=Role.USER, tags=TAGS
)
def like_comment(comment_id: str, principal: Principal | None) -> LikeOut:
    """Like a comment (idempotent)."""
    return LikeOut(**asdict(likes.like(comment_id, _principal(principal).user_id)))


@route(
    bp, "/comments/{comment_id}/like", methods=("DELETE",), status=204, auth=Role.USER, tags=TAGS
)
def unlike_comment(comment_id: str, principal: Principal | None) -> None:
    """Take a like back (idempotent)."""
    likes.unlike(comment_id, _principal(principal).user_id)


# Moderation


@route(bp, "/users/{user_id}/ban", methods=("POST",), body=BanBody, auth=Role.MODERATOR, tags=TAGS)
def ban_user(user_id: str, body: BanBody, principal: Principal | None) -> Any:
    """Ban a user from posting comments (moderators)."""
    caller = _principal(principal)
    by_admin = Role.ADMIN.value in caller.roles
    return bans.ban(user_id, caller.user_id, body.reason, by_admin=by_admin)


@route(bp, "/users/{user_id}/ban", methods=("DELETE",), status=204, auth=Role.MODERATOR, tags=TAGS)
def unban_user(user_id: str) -> None:
    """Lift a ban (moderators)."""
    bans.unban(user_id)
