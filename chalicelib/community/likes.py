"""Likes on comments: one per user, an idempotent toggle with an exact ``like_count``
(the like item and the counter move in one transaction, conditioned on the like's
absence or presence)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.community.models import Comment, CommentLike
from chalicelib.core import clock
from chalicelib.core.errors import NotFound
from chalicelib.core.transactions import ConditionFailed, Transaction

LIKE = "like"
COMMENT = "comment"


@dataclass(frozen=True)
class LikeState:
    comment_id: str
    liked: bool
    like_count: int


def _state(comment_id: str, liked: bool) -> LikeState:
    try:
        comment = Comment.get(comment_id, consistent_read=True, attributes_to_get=["like_count"])
    except Comment.DoesNotExist as exc:
        raise NotFound("No such comment.") from exc
    return LikeState(comment_id, liked, int(comment.like_count or 0))


def like(comment_id: str, user_id: str) -> LikeState:
    tx = Transaction()
    tx.put(
        LIKE,
        CommentLike(comment_id, user_id, liked_at=clock.now()),
        CommentLike.user_id.does_not_exist(),
    )
    tx.update(
        COMMENT,
        Comment(comment_id),
        [Comment.like_count.add(1)],
        Comment.comment_id.exists() & (Comment.deleted == False),  # noqa: E712
    )
    try:
        tx.commit()
    except ConditionFailed as failed:
        if COMMENT in failed.labels:
            raise NotFound("No such comment.") from failed
        # Already liked: nothing to do.
    return _state(comment_id, liked=True)


def unlike(comment_id: str, user_id: str) -> None:
    tx = Transaction()
    tx.delete(LIKE, CommentLike(comment_id, user_id), CommentLike.user_id.exists())
    tx.update(
        COMMENT, Comment(comment_id), [Comment.like_count.add(-1)], Comment.comment_id.exists()
    )
    try:
        tx.commit()
    except ConditionFailed as failed:
        if LIKE in failed.labels:
            return  # not liked: nothing to do
        CommentLike(comment_id, user_id).delete()  # the comment is gone: nothing to count
