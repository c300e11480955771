"""Comments: post, edit and delete, with one-level threads.

A reply names its root (``reply_of``) and bumps the root's ``reply_count`` in the same
transaction, conditioned on the root not being deleted. Deleting a root without replies
removes it; with replies it becomes a placeholder. Both are conditional on
``reply_count``, so a reply racing a delete never ends up under a vanished root.
"""

from __future__ import annotations

import secrets
import threading

from chalicelib.accounts.models import User
from chalicelib.catalog.models import Movie
from chalicelib.community.bans import ensure_not_banned
from chalicelib.community.models import Ban, Comment, CommentLike
from chalicelib.community.movies import MOVIE, is_live, live_movie
from chalicelib.community.rules import (
    COMMENTS_PER_MINUTE,
    Viewer,
    can_delete,
    keeps_placeholder,
    thread_root,
)
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_404, get_or_none
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.core.ratelimit import hit
from chalicelib.core.transactions import ConditionFailed, Transaction

COMMENT = "comment"
ROOT = "root"
BANNED = "banned"

_id_lock = threading.Lock()
_last_id_ms = 0
_id_seq = 0


def new_comment_id() -> str:
    """Sorts by creation time (ms, then a per-container sequence for the same ms), so the
    indexes give newest- or oldest-first; the random tail keeps containers apart."""
    global _last_id_ms, _id_seq
    ms = int(clock.now().timestamp() * 1000)
    with _id_lock:
        if ms == _last_id_ms:
            _id_seq += 1
        else:
            _last_id_ms, _id_seq = ms, 0
        seq = _id_seq
    return f"c{ms:012x}{seq:04x}{secrets.token_hex(4)}"


def get_comment(comment_id: str) -> Comment:
    """A comment that exists and is not deleted, else 404."""
    comment = get_or_404(Comment, comment_id, what="comment", consistent_read=True)
    if comment.deleted:
        raise NotFound("This comment was deleted.")
    return comment


def display_name(user_id: str) -> str:
    """Stored with the comment at post time, so listing needs no lookup per author."""
    user = get_or_none(User, user_id)
    if user is None:
        return user_id  # an id without an account row (a token from elsewhere): the id
    return user.nick_name or user.username or user_id


def post_comment(movie_id: str, author_id: str, body: str, reply_to: str | None = None) -> Comment:
    ensure_not_banned(author_id)
    root_id: str | None = None
    if reply_to is not None:
        try:
            target = get_comment(reply_to)
        except NotFound as exc:
            raise NotFound("The comment you reply to does not exist.") from exc
        if target.movie_id != movie_id:
            raise NotFound("The comment you reply to is not on this movie.")
        root_id = thread_root(target.comment_id, target.reply_of)
    elif not is_live(movie_id):
        raise NotFound("No such movie.")
    # Counted after the cheap refusals, before anything is written.
    hit(f"comments:{author_id}", COMMENTS_PER_MINUTE, 60)

    comment = Comment(
        new_comment_id(),
        movie_id=movie_id,
        root_of=movie_id if root_id is None else None,
        reply_of=root_id,
        author_id=author_id,
        author_name=display_name(author_id),
        body=body,
        created_at=clock.now(),
    )
    tx = Transaction()
    tx.put(COMMENT, comment, Comment.comment_id.does_not_exist())
    tx.check(MOVIE, Movie, movie_id, live_movie())
    # Checked again inside the write, so a ban landing mid-request still holds.
    tx.check(BANNED, Ban, author_id, Ban.user_id.does_not_exist())
    if root_id is not None:
        tx.update(
            ROOT,
            Comment(root_id),
            [Comment.reply_count.add(1)],
            Comment.comment_id.exists() & (Comment.deleted == False),  # noqa: E712
        )
    try:
        tx.commit()
    except ConditionFailed as failed:
        if BANNED in failed.labels:
            raise Forbidden("You are banned from posting.") from failed
        if MOVIE in failed.labels:
            raise NotFound("No such movie.") from failed
        if ROOT in failed.labels:
            raise Conflict("The thread you reply to was deleted.") from failed
        raise
    return comment


def edit_comment(comment_id: str, user_id: str, body: str) -> Comment:
    comment = get_comment(comment_id)
    if comment.author_id != user_id:
        raise Forbidden("Only the author may edit a comment.")
    ensure_not_banned(user_id)
    edited = conditionally(
        lambda: comment.update(
            actions=[Comment.body.set(body), Comment.edited_at.set(clock.now())],
            condition=Comment.deleted == False,  # noqa: E712
        )
    )
    if not edited:
        raise NotFound("This comment was deleted.")
    return comment


def delete_comment(comment_id: str, viewer: Viewer) -> None:
    """Authors delete their own, moderators any (``can_delete``)."""
    comment = get_comment(comment_id)
    if not can_delete(viewer, comment.author_id, comment.deleted):
        raise Forbidden("Only the author or a moderator may delete this comment.")
    if comment.reply_of is None:
        _delete_root(comment, viewer)
    else:
        _delete_reply(comment, comment.reply_of)


def _delete_root(root: Comment, viewer: Viewer) -> None:
    no_replies = Comment.reply_count.does_not_exist() | (Comment.reply_count == 0)
    alive = Comment.deleted == False  # noqa: E712
    if not keeps_placeholder(int(root.reply_count or 0)) and conditionally(
        lambda: root.delete(no_replies & alive)
    ):
        _forget_likes(root.comment_id)
        return
    # It has replies (one may have arrived since we read it): keep it as a placeholder.
    # Deleted concurrently by someone else: the outcome is the one asked for.
    conditionally(
        lambda: root.update(
            actions=[
                Comment.deleted.set(True),
                Comment.deleted_by.set(viewer.user_id or ""),
                Comment.body.remove(),
            ],
            condition=alive,
        )
    )


def _delete_reply(reply: Comment, root_id: str) -> None:
    tx = Transaction()
    tx.delete(COMMENT, reply, Comment.comment_id.exists())
    tx.update(ROOT, Comment(root_id), [Comment.reply_count.add(-1)], Comment.comment_id.exists())
    try:
        tx.commit()
    except ConditionFailed as failed:
        if COMMENT in failed.labels:
            return  # deleted concurrently
        reply.delete()  # the root item is gone: nothing to count
    _forget_likes(reply.comment_id)
    _drop_empty_placeholder(root_id)


def _drop_empty_placeholder(root_id: str) -> None:
    """A placeholder whose last reply went has nothing left to keep readable."""
    conditionally(
        lambda: Comment(root_id).delete(
            (Comment.deleted == True) & (Comment.reply_count == 0)  # noqa: E712
        )
    )


def _forget_likes(comment_id: str) -> None:
    """Likes of a removed comment are never read again; delete them to keep tables tidy."""
    with CommentLike.batch_write() as batch:
        for like in CommentLike.query(comment_id, attributes_to_get=["comment_id", "user_id"]):
            batch.delete(like)
