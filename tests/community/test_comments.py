"""Comments: threads one level deep, permissions per caller, placeholders, bans, limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.community import comments
from chalicelib.community.models import Comment
from chalicelib.community.rules import REPLIES_SHOWN


def _post(client: Any, movie_id: str, body: str = "Great film", reply_to: str | None = None) -> Any:
    payload: dict[str, Any] = {"body": body}
    if reply_to:
        payload["reply_to"] = reply_to
    return client.post(f"/movies/{movie_id}/comments", json=payload)


def _thread(client: Any, movie_id: str, **params: Any) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    result = client.get(f"/movies/{movie_id}/comments" + (f"?{query}" if query else ""))
    assert result.status == 200, result.json
    items: list[dict[str, Any]] = result.json["items"]
    return items


def test_a_comment_is_posted_with_its_author_name_and_trimmed_body(
    as_user, make_movie, make_user
) -> None:
    movie_id = make_movie()
    ann = make_user("ann", nick_name="Annie")
    bob = make_user("bob")
    posted = _post(as_user(ann), movie_id, "  Loved it  ")
    assert posted.status == 201
    assert posted.json["body"] == "Loved it"
    assert posted.json["author"] == {"user_id": ann, "name": "Annie"}
    assert posted.json["can_edit"] and posted.json["can_delete"]
    assert _post(as_user(bob), movie_id).json["author"]["name"] == "bob"
    # An id without an account row still gets a name: the id itself.
    assert _post(as_user("ghost"), movie_id).json["author"]["name"] == "ghost"


def test_comment_bodies_must_be_one_to_five_hundred_chars(api, as_user, make_movie) -> None:
    movie_id = make_movie()
    ann = as_user("ann")
    for bad in ("", "   ", "x" * 501):
        assert _post(ann, movie_id, bad).status == 422
    assert ann.post(f"/movies/{movie_id}/comments", json={"body": "ok", "extra": 1}).status == 422
    assert _post(ann, movie_id, "x" * 500).status == 201
    assert _post(api, movie_id).status == 401


def test_a_comment_needs_a_live_movie(as_user, make_movie) -> None:
    ann = as_user("ann")
    assert _post(ann, "m-nope").status == 404
    gone = make_movie(deleted=True)
    assert _post(ann, gone).status == 404
    assert ann.get(f"/movies/{gone}/comments").status == 404


def test_roots_are_listed_newest_first_with_replies_and_a_reply_to_a_reply_joins_the_root(
    api, as_user, make_movie, frozen_clock
) -> None:
    movie_id = make_movie()
    ann, bob = as_user("ann"), as_user("bob")
    first = _post(ann, movie_id, "first").json
    frozen_clock.advance(seconds=1)
    _post(bob, movie_id, "second")
    frozen_clock.advance(seconds=1)
    reply = _post(bob, movie_id, "reply", reply_to=first["comment_id"]).json
    frozen_clock.advance(seconds=1)
    nested = _post(ann, movie_id, "reply to reply", reply_to=reply["comment_id"]).json
    assert reply["reply_to"] == first["comment_id"]
    assert nested["reply_to"] == first["comment_id"]

    roots = _thread(api, movie_id)
    assert [r["body"] for r in roots] == ["second", "first"]
    assert [r["body"] for r in roots[1]["replies"]] == ["reply", "reply to reply"]
    assert roots[1]["reply_count"] == 2
    assert roots[0]["replies"] == []
    assert all("replies" not in r for r in roots[1]["replies"])

    page = api.get(f"/movies/{movie_id}/comments?limit=1").json
    assert [r["body"] for r in page["items"]] == ["second"]
    rest = api.get(f"/movies/{movie_id}/comments?limit=1&cursor={page['next_cursor']}").json
    assert [r["body"] for r in rest["items"]] == ["first"]
    other = make_movie()
    assert api.get(f"/movies/{other}/comments?cursor={page['next_cursor']}").status == 400


def test_a_reply_must_target_a_comment_of_the_same_movie(as_user, make_movie) -> None:
    movie_id, other = make_movie(), make_movie()
    ann = as_user("ann")
    root = _post(ann, other).json
    assert _post(ann, movie_id, reply_to=root["comment_id"]).status == 404
    assert _post(ann, movie_id, reply_to="c-nope").status == 404


def test_can_edit_and_can_delete_are_given_per_caller(api, as_user, make_movie) -> None:
    movie_id = make_movie()
    _post(as_user("ann"), movie_id)

    def flags(client: Any) -> tuple[bool, bool]:
        comment = _thread(client, movie_id)[0]
        return comment["can_edit"], comment["can_delete"]

    assert flags(api) == (False, False)
    assert flags(as_user("ann")) == (True, True)
    assert flags(as_user("bob")) == (False, False)
    assert flags(as_user("mod", "moderator")) == (False, True)
    assert flags(as_user("root", "admin")) == (False, True)


def test_only_the_author_edits(api, as_user, make_movie) -> None:
    movie_id = make_movie()
    comment_id = _post(as_user("ann"), movie_id, "draft").json["comment_id"]
    path = f"/comments/{comment_id}"
    assert as_user("bob").patch(path, json={"body": "hijack"}).status == 403
    assert as_user("mod", "moderator").patch(path, json={"body": "censored"}).status == 403
    assert api.patch(path, json={"body": "anon"}).status == 401
    assert as_user("ann").patch(path, json={"body": ""}).status == 422
    edited = as_user("ann").patch(path, json={"body": "final"})
    assert edited.status == 200
    assert edited.json["body"] == "final" and edited.json["edited_at"]
    assert _thread(api, movie_id)[0]["body"] == "final"
    assert as_user("ann").patch("/comments/c-nope", json={"body": "x"}).status == 404


def test_authors_delete_their_own_and_moderators_delete_any(api, as_user, make_movie) -> None:
    movie_id = make_movie()
    mine = _post(as_user("ann"), movie_id, "mine").json["comment_id"]
    theirs = _post(as_user("bob"), movie_id, "theirs").json["comment_id"]
    assert as_user("bob").delete(f"/comments/{mine}").status == 403
    assert api.delete(f"/comments/{mine}").status == 401
    assert as_user("ann").delete(f"/comments/{mine}").status == 204
    assert as_user("ann").delete(f"/comments/{mine}").status == 404
    assert as_user("mod", "moderator").delete(f"/comments/{theirs}").status == 204
    assert _thread(api, movie_id) == []
    assert Comment.count() == 0


def test_a_deleted_root_with_replies_stays_as_a_placeholder_until_its_replies_go(
    api, as_user, make_movie, frozen_clock
) -> None:
    movie_id = make_movie()
    ann, bob = as_user("ann"), as_user("bob")
    root = _post(ann, movie_id, "root").json["comment_id"]
    frozen_clock.advance(seconds=1)
    reply = _post(bob, movie_id, "reply", reply_to=root).json["comment_id"]
    assert as_user("mod", "moderator").delete(f"/comments/{root}").status == 204

    [placeholder] = _thread(ann, movie_id)
    assert placeholder["deleted"] is True
    assert placeholder["body"] is None and placeholder["author"] is None
    assert placeholder["can_edit"] is False and placeholder["can_delete"] is False
    assert [r["body"] for r in placeholder["replies"]] == ["reply"]
    assert ann.patch(f"/comments/{root}", json={"body": "back"}).status == 404
    # A closed thread takes no new replies, not even through one of its replies.
    assert _post(bob, movie_id, "late", reply_to=root).status == 404
    assert _post(bob, movie_id, "late", reply_to=reply).status == 409

    assert bob.delete(f"/comments/{reply}").status == 204
    assert _thread(api, movie_id) == []
    assert Comment.count() == 0


def test_banned_users_cannot_post_or_edit_until_unbanned(as_user, make_movie, make_user) -> None:
    movie_id = make_movie()
    troll = make_user("troll")
    client = as_user(troll)
    comment_id = _post(client, movie_id).json["comment_id"]
    mod = as_user("mod", "moderator")
    assert mod.post(f"/users/{troll}/ban", json={"reason": "spam"}).status == 200

    assert _post(client, movie_id).status == 403
    assert _post(client, movie_id, reply_to=comment_id).status == 403
    assert client.patch(f"/comments/{comment_id}", json={"body": "x"}).status == 403
    assert _thread(client, movie_id)[0]["can_edit"] is False
    assert client.delete(f"/comments/{comment_id}").status == 204  # may still take it down

    assert mod.delete(f"/users/{troll}/ban").status == 204
    assert _post(client, movie_id).status == 201


def test_eleven_comments_in_a_minute_get_429_with_retry_after(
    as_user, make_movie, frozen_clock
) -> None:
    # The counter's expiry is read by DynamoDB Local's TTL on the wall clock: a clock frozen
    # in the past would let it delete the counter mid-test, and the 11th comment pass.
    frozen_clock.set(datetime.now(UTC))
    movie_id = make_movie()
    ann, bob = as_user("ann"), as_user("bob")
    for n in range(10):
        assert _post(ann, movie_id, f"comment {n}").status == 201
    refused = _post(ann, movie_id, "one too many")
    assert refused.status == 429
    assert 1 <= int(refused.header("Retry-After") or 0) <= 60
    assert _post(bob, movie_id).status == 201  # the limit is per user
    frozen_clock.advance(seconds=60)
    assert _post(ann, movie_id, "next minute").status == 201


def test_concurrent_replies_are_all_counted_on_their_root(api, make_movie) -> None:
    movie_id = make_movie()
    root = comments.post_comment(movie_id, "ann", "root")
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(
            pool.map(
                lambda i: comments.post_comment(movie_id, f"u{i}", f"reply {i}", root.comment_id),
                range(24),
            )
        )
    assert Comment.get(root.comment_id, consistent_read=True).reply_count == 24
    replies = api.get(f"/comments/{root.comment_id}/replies?limit=100").json["items"]
    assert len(replies) == 24


def test_replies_racing_a_root_deletion_are_never_orphaned(make_movie) -> None:
    movie_id = make_movie()
    for _ in range(5):
        root = comments.post_comment(movie_id, "ann", "root")

        def reply(i: int, root_id: str = root.comment_id) -> None:
            try:
                comments.post_comment(movie_id, f"u{i}", "reply", root_id)
            except Exception as exc:  # refused because the thread was deleted
                assert getattr(exc, "status", None) in (404, 409), exc

        with ThreadPoolExecutor(max_workers=8) as pool:
            jobs = [pool.submit(reply, i) for i in range(6)]
            pool.submit(comments.delete_comment, root.comment_id, comments.Viewer("ann")).result()
            for job in jobs:
                job.result()
        replies = list(Comment.replies_by_root.query(root.comment_id))
        try:
            stored = Comment.get(root.comment_id, consistent_read=True)
        except Comment.DoesNotExist:
            assert replies == []
        else:
            assert stored.deleted and stored.reply_count == len(replies) > 0


def test_a_long_thread_shows_its_first_replies_and_the_rest_come_from_its_own_list(
    api, as_user, make_movie, frozen_clock
) -> None:
    movie_id = make_movie()
    root = comments.post_comment(movie_id, "ann", "root")
    for i in range(REPLIES_SHOWN + 3):
        comments.post_comment(movie_id, f"u{i}", f"reply {i}", root.comment_id)
        frozen_clock.advance(seconds=1)
    [listed] = _thread(api, movie_id)
    assert [r["body"] for r in listed["replies"]] == [f"reply {i}" for i in range(REPLIES_SHOWN)]
    assert listed["reply_count"] == REPLIES_SHOWN + 3
    rest = api.get(f"/comments/{root.comment_id}/replies?cursor={listed['replies_cursor']}")
    assert rest.status == 200
    assert [r["body"] for r in rest.json["items"]] == [
        f"reply {i}" for i in range(REPLIES_SHOWN, REPLIES_SHOWN + 3)
    ]
    everything = api.get(f"/comments/{root.comment_id}/replies?limit=100").json
    assert len(everything["items"]) == REPLIES_SHOWN + 3
    first_reply = listed["replies"][0]["comment_id"]
    assert api.get(f"/comments/{first_reply}/replies").status == 404
    assert api.get("/comments/c-nope/replies").status == 404


def test_a_short_thread_has_no_replies_cursor(api, make_movie) -> None:
    movie_id = make_movie()
    root = comments.post_comment(movie_id, "ann", "root")
    comments.post_comment(movie_id, "bob", "reply", root.comment_id)
    [listed] = _thread(api, movie_id)
    assert listed["replies_cursor"] is None


def test_a_ban_landing_after_the_first_check_still_stops_the_post(
    make_movie, make_user, monkeypatch
) -> None:
    from chalicelib.community import bans
    from chalicelib.core.errors import Forbidden

    movie_id = make_movie()
    troll = make_user("troll")
    bans.ban(troll, "mod")
    # Simulate the race: the early check ran before the ban existed.
    monkeypatch.setattr(comments, "ensure_not_banned", lambda _: None)
    with pytest.raises(Forbidden):
        comments.post_comment(movie_id, troll, "sneaky")
    assert Comment.count() == 0
