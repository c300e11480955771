"""What the community area accepts and answers: request models, response models (``*Out``)
and the one function per answer that builds it from a stored item (``*_out``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from chalicelib.community.rules import COMMENT_MAX_CHARS, MAX_STARS, MIN_STARS, Viewer
from chalicelib.community.rules import can_delete as may_delete
from chalicelib.community.rules import can_edit as may_edit
from chalicelib.core.clock import Timestamp
from chalicelib.core.ids import Id
from chalicelib.core.schema import Day, Schema

if TYPE_CHECKING:
    from chalicelib.community.models import Ban, Comment

BLANK = " \t\n\r"
CommentText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=COMMENT_MAX_CHARS, pattern=r"[^ \t\n\r]"),
    Field(description=f"1-{COMMENT_MAX_CHARS} characters, not only spaces; stored trimmed."),
    AfterValidator(lambda text: text.strip(BLANK)),
]


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class RatingBody(Body):
    stars: int = Field(ge=MIN_STARS, le=MAX_STARS)


class NewComment(Body):
    body: CommentText
    reply_to: Id | None = Field(
        default=None, description="A comment on the same movie (a reply joins its root)."
    )


class CommentEdit(Body):
    body: CommentText


class BanBody(Body):
    reason: str | None = Field(default=None, max_length=500)


class RatingOut(Schema):
    movie_id: str
    stars: int | None = Field(description="The caller's rating; null when not rated.")
    rating_count: int
    rating_average: float | None


class WantOut(Schema):
    movie_id: str
    wanted: Literal[True] = True


class AuthorOut(Schema):
    user_id: str
    name: str


class CommentOut(Schema):
    """A comment (a reply, or a root without its thread)."""

    comment_id: str
    movie_id: str
    reply_to: str | None = Field(description="The root comment of a reply.")
    deleted: bool = Field(description="A deleted root kept for its replies: no body, no author.")
    body: str | None
    author: AuthorOut | None
    created_at: Timestamp
    edited_at: Timestamp | None
    like_count: int
    liked_by_me: bool
    can_edit: bool
    can_delete: bool


class ThreadOut(CommentOut):
    """A root comment with its first replies, oldest first."""

    reply_count: int
    replies: list[CommentOut]
    replies_cursor: str | None = Field(
        description="More replies: GET /comments/{comment_id}/replies?cursor=..."
    )


class LikeOut(Schema):
    comment_id: str
    liked: Literal[True] = True
    like_count: int


class BanOut(Schema):
    user_id: str
    banned: Literal[True] = True
    banned_by: str
    banned_at: Timestamp
    reason: str | None


class MovieSummary(Schema):
    movie_id: str
    title: str
    poster_key: str | None
    release_date: Day


class WantedMovieOut(MovieSummary):
    wanted_at: Timestamp


class ViewedMovieOut(MovieSummary):
    viewed_at: Timestamp


def comment_out(comment: Comment, viewer: Viewer, *, liked: bool) -> CommentOut:
    """A deleted placeholder keeps its place but shows no body or author."""
    deleted = bool(comment.deleted)
    return CommentOut(
        comment_id=comment.comment_id,
        movie_id=comment.movie_id,
        reply_to=comment.reply_of,
        deleted=deleted,
        body=None if deleted else comment.body,
        author=None if deleted else AuthorOut(user_id=comment.author_id, name=comment.author_name),
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        like_count=int(comment.like_count or 0),
        liked_by_me=liked,
        can_edit=may_edit(viewer, comment.author_id, deleted),
        can_delete=may_delete(viewer, comment.author_id, deleted),
    )


def thread_out(
    root: Comment,
    viewer: Viewer,
    *,
    liked: bool,
    replies: list[CommentOut],
    replies_cursor: str | None,
) -> ThreadOut:
    return ThreadOut(
        **dict(comment_out(root, viewer, liked=liked)),
        reply_count=int(root.reply_count or 0),
        replies=replies,
        replies_cursor=replies_cursor,
    )


def ban_out(record: Ban) -> BanOut:
    return BanOut(
        user_id=record.user_id,
        banned_by=record.banned_by,
        banned_at=record.banned_at,
        reason=record.reason,
    )
