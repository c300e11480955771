"""Browsing history: the last ``HISTORY_SIZE`` distinct movies a user opened.

One item per (user, movie), so re-opening a movie rewrites its time and moves it to the
top instead of adding a duplicate; entries past the newest ``HISTORY_SIZE`` are deleted
on each view, which keeps the partition bounded.
"""

from __future__ import annotations

from chalicelib.community.models import HistoryEntry
from chalicelib.community.movies import movie_summaries
from chalicelib.community.rules import HISTORY_SIZE, history_overflow, parse_stamp, sort_stamp
from chalicelib.community.schemas import ViewedMovieOut
from chalicelib.core import clock
from chalicelib.core.observability import logger

# A few extra entries are read past the limit so concurrent views are trimmed too.
_TRIM_READ = HISTORY_SIZE + 10


def record_view(user_id: str, movie_id: str) -> None:
    """Record that ``user_id`` opened ``movie_id`` now, and trim the oldest entries."""
    HistoryEntry(user_id, movie_id, viewed_at=sort_stamp(clock.now())).save()
    newest_first = [
        e.movie_id
        for e in HistoryEntry.by_time.query(
            user_id,
            scan_index_forward=False,
            limit=_TRIM_READ,
            attributes_to_get=["movie_id"],
        )
    ]
    stale = history_overflow(newest_first)
    if stale:
        with HistoryEntry.batch_write() as batch:
            for old in stale:
                batch.delete(HistoryEntry(user_id, old))


def record_view_quietly(user_id: str, movie_id: str) -> None:
    """For the movie page: history is a convenience, so a failure here never fails the page."""
    try:
        record_view(user_id, movie_id)
    except Exception:  # logged; the page itself must still answer
        logger.exception("could not record a view in the browsing history")


def my_history(user_id: str) -> list[ViewedMovieOut]:
    """Newest first, with titles; movies deleted since are left out."""
    entries = list(
        HistoryEntry.by_time.query(user_id, scan_index_forward=False, limit=HISTORY_SIZE)
    )
    movies = movie_summaries(e.movie_id for e in entries)
    return [
        ViewedMovieOut(**dict(movies[e.movie_id]), viewed_at=parse_stamp(e.viewed_at))
        for e in entries
        if e.movie_id in movies
    ]
