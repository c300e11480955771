"""Rebuild the search index from the movies table: ``python -m chalicelib.search.reindex``.

Reads every movie with a paginated Scan (the same item shape the stream delivers, so the
same mapping applies) and hands the searchable ones to ``SearchIndex.rebuild``, which
swaps the new index in atomically. It uses the environment it is run in (a stage's
settings) and needs nothing but the runtime dependencies; ``python -m local.reindex``
(``make reindex``) runs it against the stack ``make dev`` runs.

Changes the stream delivers while a rebuild runs are applied to the old index and may be
missing from the new one for movies scanned before the change: run it when the catalogue
is quiet, or run it again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from chalicelib.catalog.models import Movie
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.search import get_index
from chalicelib.search.documents import document_from_item
from chalicelib.search.index import MovieDocument

#: a progress line every this many movies
PROGRESS_EVERY = 500


def _movies_table() -> str:
    return str(Movie.Meta.table_name)


def movie_items() -> Iterator[dict[str, Any]]:
    # Imported here: boto3 loads with the first AWS client, not at import (``core.aws``).
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    pages = client("dynamodb").get_paginator("scan").paginate(TableName=_movies_table())
    for page in pages:
        for item in page.get("Items", []):
            yield {k: deserializer.deserialize(v) for k, v in item.items()}


def searchable_documents(items: Iterable[dict[str, Any]]) -> Iterator[MovieDocument]:
    days = get_settings().movie_showing_days
    for item in items:
        document = document_from_item(item, days)
        if document is not None:
            yield document


def reindex(show_progress: bool = False) -> int:
    """Rebuild the whole index; returns how many movies are searchable. ``show_progress``
    writes how many movies were read so far to stderr as it goes."""
    items: Iterable[dict[str, Any]] = movie_items()
    if show_progress:
        described = client("dynamodb").describe_table(TableName=_movies_table())
        items = _counted(items, described["Table"].get("ItemCount"))
    return get_index().rebuild(searchable_documents(items))


def _counted(items: Iterable[dict[str, Any]], total: int | None) -> Iterator[dict[str, Any]]:
    of = f" of about {total}" if total else ""
    count = 0
    for count, item in enumerate(items, start=1):
        if count % PROGRESS_EVERY == 0:
            print(f"read {count}{of} movies", file=sys.stderr, flush=True)
        yield item
    print(f"read {count} movies", file=sys.stderr, flush=True)


def seed_search_index() -> str:
    """``make dev`` seeds before the stream pump starts, so the seeded movies are indexed
    here (a rebuild is idempotent)."""
    return f"{reindex()} movies indexed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the movie search index.")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    count = reindex(show_progress=not args.quiet)
    print(f"indexed {count} movies into the search index")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
