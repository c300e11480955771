"""Community routes: ratings, want-to-see, comments and likes, bans, browsing history."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Link, Reply, route
from chalicelib.community import bans, comments, history, likes, ratings, threads, wants
from chalicelib.community.rules import Viewer
from chalicelib.community.schemas import (
    BanBody,
    BanOut,
    CommentEdit,
    CommentOut,
    LikeOut,
    NewComment,
    RatingBody,
    RatingOut,
    ThreadOut,
    ViewedMovieOut,
    WantedMovieOut,
    WantOut,
)
from chalicelib.core.errors import Conflict, Forbidden, TooManyRequests
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.core.roles import Role, has_role

bp = Blueprint(__name__)
TAGS = ("community",)
USER = Role.USER


def _viewer(principal: Principal | None) -> Viewer:
    if principal is None:
        return Viewer(user_id=None)
    return threads.viewer_for(principal.user_id, has_role(principal.roles, Role.MODERATOR))


def _on_comment(operation: str) -> Link:
    return Link(operation, {"comment_id": "$response.body#/comment_id"})


# Ratings and want-to-see


@route(bp, "/movies/{movie_id}/rating", response=RatingOut, auth=USER, tags=TAGS)
def my_rating(movie_id: str, principal: Principal) -> RatingOut:
    """The caller's rating of a movie (``stars`` null when not rated) and the average."""
    return ratings.state(movie_id, principal.user_id)


@route(
    bp,
    "/movies/{movie_id}/rating",
    methods=("PUT",),
    body=RatingBody,
    response=RatingOut,
    auth=USER,
    tags=TAGS,
)
def rate_movie(movie_id: str, body: RatingBody, principal: Principal) -> RatingOut:
    """Rate a movie 1-10 stars, or change the caller's rating."""
    return ratings.rate(movie_id, principal.user_id, body.stars)


@route(bp, "/movies/{movie_id}/rating", methods=("DELETE",), status=204, auth=USER, tags=TAGS)
def unrate_movie(movie_id: str, principal: Principal) -> None:
    """Remove the caller's rating (nothing happens if there is none)."""
    ratings.unrate(movie_id, principal.user_id)


@route(bp, "/movies/{movie_id}/want", methods=("PUT",), response=WantOut, auth=USER, tags=TAGS)
def want_movie(movie_id: str, principal: Principal) -> WantOut:
    """Mark a movie as want-to-see (idempotent)."""
    wants.want(movie_id, principal.user_id)
    return WantOut(movie_id=movie_id)


@route(bp, "/movies/{movie_id}/want", methods=("DELETE",), status=204, auth=USER, tags=TAGS)
def unwant_movie(movie_id: str, principal: Principal) -> None:
    """Remove the want-to-see mark (idempotent)."""
    wants.unwant(movie_id, principal.user_id)


@route(bp, "/me/wants", query=PageQuery, response=Page[WantedMovieOut], auth=USER, tags=TAGS)
def list_my_wants(query: PageQuery, principal: Principal) -> Page[WantedMovieOut]:
    """Movies the caller wants to see, newest mark first, with titles."""
    return wants.my_wants(principal.user_id, query)


@route(bp, "/me/history", response=Page[ViewedMovieOut], auth=USER, tags=TAGS)
def list_my_history(principal: Principal) -> Page[ViewedMovieOut]:
    """The last 20 distinct movies the caller opened, newest first."""
    return Page[ViewedMovieOut](items=history.my_history(principal.user_id), next_cursor=None)


# Comments and likes

COMMENT_LINKS = {
    "edit": _on_comment("edit_comment"),
    "delete": _on_comment("delete_comment"),
    "like": _on_comment("like_comment"),
    "reply": Link(
        "post_comment",
        {"movie_id": "$response.body#/movie_id"},
        body={"reply_to": "$response.body#/comment_id"},
    ),
}


@route(
    bp,
    "/movies/{movie_id}/comments",
    query=PageQuery,
    response=Page[ThreadOut],
    auth="optional",
    tags=TAGS,
)
def list_comments(movie_id: str, query: PageQuery, principal: Principal | None) -> Page[ThreadOut]:
    """Root comments newest first, each with its replies and what the caller may do."""
    return threads.list_comments(movie_id, _viewer(principal), query)


@route(
    bp,
    "/comments/{comment_id}/replies",
    query=PageQuery,
    response=Page[CommentOut],
    auth="optional",
    tags=TAGS,
)
def list_replies(
    comment_id: str, query: PageQuery, principal: Principal | None
) -> Page[CommentOut]:
    """Every reply of a root comment, oldest first (continues a root's ``replies_cursor``)."""
    return threads.list_replies(comment_id, _viewer(principal), query)


@route(
    bp,
    "/movies/{movie_id}/comments",
    methods=("POST",),
    body=NewComment,
    response=CommentOut,
    status=201,
    auth=USER,
    errors=(Forbidden, Conflict, TooManyRequests),
    location=True,
    links=COMMENT_LINKS,
    tags=TAGS,
)
def post_comment(movie_id: str, body: NewComment, principal: Principal) -> Reply:
    """Comment on a movie, or reply to a comment (a reply to a reply joins its root).

    403 for a banned user; 409 when the thread was deleted; 429 past 10 a minute."""
    comment = comments.post_comment(movie_id, principal.user_id, body.body, body.reply_to)
    return Reply(
        threads.as_author(comment),
        headers={"Location": f"/movies/{movie_id}/comments#{comment.comment_id}"},
    )


@route(
    bp,
    "/comments/{comment_id}",
    methods=("PATCH",),
    body=CommentEdit,
    response=CommentOut,
    auth=USER,
    errors=(Forbidden,),
    tags=TAGS,
)
def edit_comment(comment_id: str, body: CommentEdit, principal: Principal) -> CommentOut:
    """Edit one's own comment."""
    return threads.as_author(comments.edit_comment(comment_id, principal.user_id, body.body))


@route(
    bp,
    "/comments/{comment_id}",
    methods=("DELETE",),
    status=204,
    auth=USER,
    errors=(Forbidden,),
    tags=TAGS,
)
def delete_comment(comment_id: str, principal: Principal) -> None:
    """Delete one's own comment, or any comment as a moderator."""
    comments.delete_comment(comment_id, _viewer(principal))


@route(bp, "/comments/{comment_id}/like", methods=("PUT",), response=LikeOut, auth=USER, tags=TAGS)
def like_comment(comment_id: str, principal: Principal) -> LikeOut:
    """Like a comment (idempotent)."""
    return likes.like(comment_id, principal.user_id)


@route(bp, "/comments/{comment_id}/like", methods=("DELETE",), status=204, auth=USER, tags=TAGS)
def unlike_comment(comment_id: str, principal: Principal) -> None:
    """Take a like back (idempotent)."""
    likes.unlike(comment_id, principal.user_id)


# Moderation


@route(
    bp,
    "/users/{user_id}/ban",
    methods=("POST",),
    body=BanBody,
    body_required=False,
    response=BanOut,
    auth=Role.MODERATOR,
    errors=(Conflict, Forbidden),
    tags=TAGS,
)
def ban_user(user_id: str, body: BanBody, principal: Principal) -> BanOut:
    """Ban a user from posting comments (moderators; only an admin bans a moderator).

    409 for oneself; banning someone already banned keeps the first ban."""
    by_admin = Role.ADMIN.value in principal.roles
    return bans.ban(user_id, principal.user_id, body.reason, by_admin=by_admin)


@route(bp, "/users/{user_id}/ban", methods=("DELETE",), status=204, auth=Role.MODERATOR, tags=TAGS)
def unban_user(user_id: str) -> None:
    """Lift a ban (moderators)."""
    bans.unban(user_id)
