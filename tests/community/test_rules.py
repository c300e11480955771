"""The community rules, without I/O."""

from datetime import UTC, datetime

import pytest

from chalicelib.community.rules import (
    Viewer,
    can_delete,
    can_edit,
    history_overflow,
    keeps_placeholder,
    parse_stamp,
    rating_move,
    sort_stamp,
    thread_root,
)

pytestmark = pytest.mark.pure


def test_a_new_rating_adds_its_stars_and_one_to_the_count() -> None:
    move = rating_move(None, 7)
    assert (move.sum_delta, move.count_delta) == (7, 1)


def test_a_changed_rating_moves_the_sum_by_the_difference_only() -> None:
    move = rating_move(8, 3)
    assert (move.sum_delta, move.count_delta) == (-5, 0)


def test_a_removed_rating_subtracts_its_stars_and_one_from_the_count() -> None:
    move = rating_move(4, None)
    assert (move.sum_delta, move.count_delta) == (-4, -1)


def test_rating_the_same_stars_again_moves_nothing() -> None:
    assert rating_move(6, 6).is_noop
    assert rating_move(None, None).is_noop


@pytest.mark.parametrize("stars", [0, 11, -1])
def test_stars_outside_one_to_ten_are_refused(stars: int) -> None:
    with pytest.raises(ValueError):
        rating_move(None, stars)


def test_a_reply_to_a_reply_attaches_to_the_root() -> None:
    assert thread_root("reply-1", "root-1") == "root-1"
    assert thread_root("root-1", None) == "root-1"


def test_only_the_author_may_edit_and_not_while_banned_or_once_deleted() -> None:
    author = Viewer("ann")
    assert can_edit(author, "ann", deleted=False)
    assert not can_edit(author, "ann", deleted=True)
    assert not can_edit(Viewer("ann", is_banned=True), "ann", deleted=False)
    assert not can_edit(Viewer("mod", is_moderator=True), "ann", deleted=False)
    assert not can_edit(Viewer(None), "ann", deleted=False)


def test_authors_and_moderators_may_delete_others_may_not() -> None:
    assert can_delete(Viewer("ann"), "ann", deleted=False)
    assert can_delete(Viewer("mod", is_moderator=True), "ann", deleted=False)
    assert not can_delete(Viewer("bob"), "ann", deleted=False)
    assert not can_delete(Viewer(None), "ann", deleted=False)
    assert not can_delete(Viewer("ann"), "ann", deleted=True)


def test_a_deleted_root_stays_as_a_placeholder_only_while_it_has_replies() -> None:
    assert keeps_placeholder(2)
    assert not keeps_placeholder(0)


def test_history_keeps_the_newest_twenty() -> None:
    ids = [f"m{i}" for i in range(25)]
    assert history_overflow(ids) == ids[20:]
    assert history_overflow(ids[:20]) == []


def test_sort_stamps_sort_as_text_in_time_order() -> None:
    early = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    late = datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC)
    assert sort_stamp(early) < sort_stamp(late)
    assert parse_stamp(sort_stamp(early)) == early
