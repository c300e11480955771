"""Likes on comments: one per user, idempotent toggle, exact count."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.community import comments, likes
from chalicelib.community.models import Comment, CommentLike
from chalicelib.community.rules import Viewer
from chalicelib.core.errors import NotFound


def _count(comment_id: str) -> int:
    return int(Comment.get(comment_id, consistent_read=True).like_count)


def test_liking_is_one_per_user_and_unliking_takes_it_back(api, as_user, make_movie) -> None:
    movie_id = make_movie()
    comment_id = comments.post_comment(movie_id, "ann", "nice").comment_id
    bob = as_user("bob")
    path = f"/comments/{comment_id}/like"
    assert api.put(path).status == 401
    assert bob.put(path).json == {"comment_id": comment_id, "liked": True, "like_count": 1}
    assert bob.put(path).json["like_count"] == 1
    assert as_user("cat").put(path).json["like_count"] == 2

    [listed] = bob.get(f"/movies/{movie_id}/comments").json["items"]
    assert (listed["like_count"], listed["liked_by_me"]) == (2, True)
    assert (
        as_user("dan").get(f"/movies/{movie_id}/comments").json["items"][0]["liked_by_me"] is False
    )

    assert bob.delete(path).status == 204
    assert bob.delete(path).status == 204
    assert _count(comment_id) == 1
    assert bob.put("/comments/c-nope/like").status == 404


def test_replies_carry_their_own_likes(as_user, make_movie) -> None:
    movie_id = make_movie()
    root = comments.post_comment(movie_id, "ann", "root")
    reply = comments.post_comment(movie_id, "bob", "reply", root.comment_id)
    likes.like(reply.comment_id, "cat")
    [listed] = as_user("cat").get(f"/movies/{movie_id}/comments").json["items"]
    assert (listed["like_count"], listed["liked_by_me"]) == (0, False)
    assert (listed["replies"][0]["like_count"], listed["replies"][0]["liked_by_me"]) == (1, True)


def test_a_deleted_comment_cannot_be_liked_and_its_likes_go_with_it(make_movie) -> None:
    movie_id = make_movie()
    comment_id = comments.post_comment(movie_id, "ann", "bye").comment_id
    likes.like(comment_id, "bob")
    comments.delete_comment(comment_id, Viewer("ann"))
    with pytest.raises(NotFound):
        likes.like(comment_id, "cat")
    likes.unlike(comment_id, "bob")  # taking a like back never fails
    assert CommentLike.count() == 0


def test_concurrent_likes_and_unlikes_keep_the_count_equal_to_the_likes(make_movie) -> None:
    movie_id = make_movie()
    comment_id = comments.post_comment(movie_id, "ann", "popular").comment_id
    jobs = [(f"u{i % 15}", i % 4 != 3) for i in range(60)]

    def run(job: tuple[str, bool]) -> None:
        user, on = job
        if on:
            likes.like(comment_id, user)
        else:
            likes.unlike(comment_id, user)

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(run, jobs))
    assert _count(comment_id) == CommentLike.count(comment_id, consistent_read=True)
