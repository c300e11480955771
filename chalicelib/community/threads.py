"""Reading comments: a movie's roots newest first, each with its replies oldest first,
and what the caller may do with each one."""

from __future__ import annotations

from chalicelib.community.bans import is_banned
from chalicelib.community.models import Comment, CommentLike
from chalicelib.community.movies import is_live
from chalicelib.community.rules import REPLIES_SHOWN, Viewer
from chalicelib.community.schemas import CommentOut, ThreadOut, comment_out, thread_out
from chalicelib.core.dynamo import get_or_404
from chalicelib.core.errors import NotFound
from chalicelib.core.pagination import Page, PageQuery, decode_cursor, encode_cursor


def viewer_for(user_id: str | None, is_moderator: bool) -> Viewer:
    if user_id is None:
        return Viewer(user_id=None)
    return Viewer(user_id=user_id, is_moderator=is_moderator, is_banned=is_banned(user_id))


def _liked_by(user_id: str | None, comment_ids: list[str]) -> set[str]:
    if user_id is None or not comment_ids:
        return set()
    keys = [(cid, user_id) for cid in comment_ids]
    return {like.comment_id for like in CommentLike.batch_get(keys)}


def _replies_page(root_id: str, limit: int, cursor: str | None) -> tuple[list[Comment], str | None]:
    scope = f"replies:{root_id}"
    results = Comment.replies_by_root.query(
        root_id, limit=limit, last_evaluated_key=decode_cursor(cursor, scope)
    )
    replies = list(results)
    return replies, encode_cursor(results.last_evaluated_key, scope)


def as_author(comment: Comment) -> CommentOut:
    """The comment as its author sees it right after posting or editing."""
    return comment_out(comment, Viewer(user_id=comment.author_id), liked=False)


def list_comments(movie_id: str, viewer: Viewer, page: PageQuery) -> Page[ThreadOut]:
    """Roots newest first; under each, its first ``REPLIES_SHOWN`` replies oldest first and
    a ``replies_cursor`` for the rest (``GET /comments/{id}/replies``)."""
    if not is_live(movie_id):
        raise NotFound("No such movie.")
    scope = f"comments:{movie_id}"
    results = Comment.roots_by_movie.query(
        movie_id,
        scan_index_forward=False,
        limit=page.limit,
        last_evaluated_key=decode_cursor(page.cursor, scope),
    )
    roots = list(results)
    replies = {
        root.comment_id: _replies_page(root.comment_id, REPLIES_SHOWN, None)
        if root.reply_count
        else ([], None)
        for root in roots
    }
    every_id = [r.comment_id for r in roots]
    every_id += [c.comment_id for shown, _ in replies.values() for c in shown]
    liked = _liked_by(viewer.user_id, every_id)

    def one(comment: Comment) -> CommentOut:
        return comment_out(comment, viewer, liked=comment.comment_id in liked)

    items = []
    for root in roots:
        shown, more = replies[root.comment_id]
        items.append(
            thread_out(
                root,
                viewer,
                liked=root.comment_id in liked,
                replies=[one(reply) for reply in shown],
                replies_cursor=more if int(root.reply_count or 0) > len(shown) else None,
            )
        )
    return Page[ThreadOut](
        items=items, next_cursor=encode_cursor(results.last_evaluated_key, scope)
    )


def list_replies(root_id: str, viewer: Viewer, page: PageQuery) -> Page[CommentOut]:
    """All replies of a root, oldest first (the movie's list shows only the first few)."""
    root = get_or_404(Comment, root_id, what="comment")
    if root.reply_of is not None:
        raise NotFound("Replies are listed under their root comment.")
    shown, more = _replies_page(root_id, page.limit, page.cursor)
    liked = _liked_by(viewer.user_id, [c.comment_id for c in shown])
    items = [comment_out(c, viewer, liked=c.comment_id in liked) for c in shown]
    return Page[CommentOut](items=items, next_cursor=more)
