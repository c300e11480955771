"""Rebuild the search index from the movies table: ``python -m chalicelib.search.reindex``.

Reads every movie with a paginated Scan (the same item shape the stream delivers, so the
same mapping applies) and hands the searchable ones to ``SearchIndex.rebuild``, which
swaps the new index in atomically. It uses the environment it is run in (a stage's
settings); ``--local-stack`` points it at the stack ``make dev`` runs (``make reindex``).

Changes the stream delivers while a rebuild runs are applied to the old index and may be
missing from the new one for movies scanned before the change: run it when the catalogue
is quiet, or run it again.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.search import get_index
from chalicelib.search.documents import document_from_item
from chalicelib.search.index import MovieDocument


def _movies_table() -> str:
    # Imported here: model classes bind their table names when first imported, which
    # must happen after ``--local-stack`` has set the environment.
    from chalicelib.catalog.models import Movie

    return str(Movie.Meta.table_name)


def movie_items() -> Iterator[dict[str, Any]]:
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
    """Rebuild the whole index; returns how many movies are searchable."""
    items: Iterable[dict[str, Any]] = movie_items()
    if show_progress:
        from tqdm import tqdm

        described = client("dynamodb").describe_table(TableName=_movies_table())
        items = tqdm(items, total=described["Table"].get("ItemCount") or None, unit="movie")
    return get_index().rebuild(searchable_documents(items))


def seed_search_index() -> str:
    """``make dev`` seeds before the stream pump starts, so the seeded movies are indexed
    here (a rebuild is idempotent)."""
    return f"{reindex()} movies indexed"


def _use_local_stack(state_dir: Path) -> None:
    from chalicelib.core.aws import reset_clients
    from chalicelib.core.config import reset_settings
    from local.env import Ports, local_environment

    os.environ.update(local_environment(Ports(), state_dir.resolve()))
    reset_settings()
    reset_clients()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the movie search index.")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--local-stack", action="store_true", help="use the stack `make dev` runs")
    parser.add_argument("--state-dir", type=Path, default=Path(".local"))
    args = parser.parse_args(argv)
    if args.local_stack:
        _use_local_stack(args.state_dir)
    count = reindex(show_progress=not args.quiet)
    print(f"indexed {count} movies into the search index")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
