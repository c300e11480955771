"""What the index holds for a movie, built from the movie item (a stream image or a scan).

Pure: the caller passes the run length (``movie_showing_days``). Status is not stored as
such — it changes with the calendar, not with the item — but as the two dates it derives
from (release and last showing day) plus the pinned status, so the query can test it for
any day without re-indexing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from chalicelib.catalog.models import LISTED
from chalicelib.catalog.rules import rating_average
from chalicelib.search.index import MovieDocument


def is_searchable(item: Mapping[str, Any] | None) -> bool:
    """Soft-deleted (or never listed) movies are not searchable."""
    return bool(item) and not item.get("deleted") and item.get("listed") == LISTED  # type: ignore[union-attr]


def last_showing_day(release_date: str | None, showing_until: str | None, days: int) -> str | None:
    """The end of the run: the explicit end date, else the configured run from release."""
    if showing_until:
        return showing_until
    if not release_date:
        return None
    return (date.fromisoformat(release_date) + timedelta(days=days - 1)).isoformat()


def _people(cast: Any) -> tuple[str, ...]:
    names = [member.get("person") for member in cast or () if isinstance(member, Mapping)]
    return tuple(dict.fromkeys(str(n) for n in names if n))


def document_from_item(item: Mapping[str, Any], showing_days: int) -> MovieDocument | None:
    """The document for a movie item as plain values (numbers may be ``Decimal``), or
    ``None`` when the movie must not be found."""
    if not is_searchable(item):
        return None
    release_date = item.get("release_date") or None
    rating_count = int(item.get("rating_count") or 0)
    return MovieDocument(
        movie_id=str(item["movie_id"]),
        title=str(item.get("title") or ""),
        original_title=str(item.get("original_title") or ""),
        synopsis=str(item.get("synopsis") or ""),
        people=_people(item.get("cast")),
        genre_ids=tuple(dict.fromkeys(str(g) for g in item.get("genre_ids") or ())),
        release_date=release_date,
        last_showing_day=last_showing_day(release_date, item.get("showing_until"), showing_days),
        status_pinned=item.get("status_pinned") or None,
        rating=rating_average(int(item.get("rating_sum") or 0), rating_count),
        rating_count=rating_count,
        want_count=int(item.get("want_count") or 0),
        poster_key=item.get("poster_key") or None,
    )
