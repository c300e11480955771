"""Community rules as plain functions: no I/O, so each one is unit-tested in milliseconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

MIN_STARS = 1
MAX_STARS = 10
COMMENT_MAX_CHARS = 500
COMMENTS_PER_MINUTE = 10
HISTORY_SIZE = 20
REPLIES_SHOWN = 20  # per root in the movie's list; the rest via the root's own reply list


@dataclass(frozen=True)
class CounterMove:
    """How a movie's rating counters move when one user's rating goes from ``before`` to
    ``after`` (``None`` = no rating)."""

    sum_delta: int
    count_delta: int

    @property
    def is_noop(self) -> bool:
        return self.sum_delta == 0 and self.count_delta == 0


def rating_move(before: int | None, after: int | None) -> CounterMove:
    """A new rating adds itself, a change moves the sum by the difference, a removal
    subtracts itself; the count only moves when a rating appears or disappears."""
    for stars in (before, after):
        if stars is not None and not MIN_STARS <= stars <= MAX_STARS:
            raise ValueError(f"stars must be {MIN_STARS}..{MAX_STARS}, got {stars}")
    return CounterMove(
        sum_delta=(after or 0) - (before or 0),
        count_delta=(after is not None) - (before is not None),
    )


def thread_root(target_id: str, target_root_id: str | None) -> str:
    """Threads are one level deep: replying to a reply attaches to that reply's root."""
    return target_root_id or target_id


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a comment: enough to say what they may do with it."""

    user_id: str | None
    is_moderator: bool = False
    is_banned: bool = False


def can_edit(viewer: Viewer, author_id: str, deleted: bool) -> bool:
    """Only the author edits, and not a deleted comment nor while banned from posting."""
    return (
        viewer.user_id is not None
        and viewer.user_id == author_id
        and not deleted
        and not viewer.is_banned
    )


def can_delete(viewer: Viewer, author_id: str, deleted: bool) -> bool:
    """Authors delete their own; moderators delete any; a deleted one is gone already."""
    if viewer.user_id is None or deleted:
        return False
    return viewer.user_id == author_id or viewer.is_moderator


def keeps_placeholder(reply_count: int) -> bool:
    """A deleted root with replies stays as a placeholder so the thread stays readable."""
    return reply_count > 0


def history_overflow(movie_ids_newest_first: Sequence[str], keep: int = HISTORY_SIZE) -> list[str]:
    """Entries past the newest ``keep`` are dropped, so history stays bounded."""
    return list(movie_ids_newest_first[keep:])


def sort_stamp(at: datetime) -> str:
    """A timestamp that sorts as text in time order (microseconds, UTC, fixed width)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
