"""Likes on comments: one per user, an idempotent toggle with an exact ``like_count``
(the like item and the counter move in one transaction, conditioned on the like's
absence or presence)."""

from __future__ import annotations

from chalicelib.community.models import Comment, CommentLike
from chalicelib.community.schemas import LikeOut
from chalicelib.core import clock
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import NotFound
from chalicelib.core.transactions import ConditionFailed, Transaction

LIKE = "like"
COMMENT = "comment"


def like(comment_id: str, user_id: str) -> LikeOut:
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
    comment = get_or_404(
        Comment, comment_id, what="comment", consistent_read=True, attributes_to_get=["like_count"]
    )
    return LikeOut(comment_id=comment_id, like_count=int(comment.like_count or 0))


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
