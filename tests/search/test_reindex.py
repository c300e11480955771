"""The reindex command rebuilds the index from the movies table."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from chalicelib.catalog import movies
from chalicelib.search import get_index
from chalicelib.search.index import MovieDocument, SearchQuery
from chalicelib.search.reindex import main, reindex, seed_search_index
from tests.catalog import factories

pytestmark = pytest.mark.usefixtures("empty_search_index")


def indexed() -> set[str]:
    return {h.document.movie_id for h in get_index().search(SearchQuery(limit=100)).hits}


def test_reindex_indexes_live_movies_and_drops_what_is_gone(capsys: Any) -> None:
    kept = factories.movie("流浪地球", synopsis="人类带着地球逃离。")
    gone = factories.movie("霸王别姬")
    movies.delete_movie(gone)
    get_index().upsert(MovieDocument(movie_id="stale", title="a movie no longer in the table"))

    assert main(["--quiet"]) == 0
    assert "indexed 1 movies" in capsys.readouterr().out
    assert indexed() == {kept}
    assert [h.document.movie_id for h in get_index().search(SearchQuery(text="地球逃离")).hits] == [
        kept
    ]


def test_reindex_with_progress_reports_the_count(capsys: Any) -> None:
    for n in range(3):
        factories.movie(f"Movie {n}")
    assert reindex(show_progress=True) == 3
    assert "read 3 movies" in capsys.readouterr().err
    assert len(indexed()) == 3


def test_reindex_runs_with_the_runtime_dependencies_alone() -> None:
    """It runs on a stage, where neither the local stack nor the dev tools are installed."""
    code = (
        "import sys, chalicelib.search.reindex\n"
        "dev = [m for m in sys.modules if m.split('.')[0] in DEV]\n"
        "assert not dev, dev"
    )
    dev = {"local", "tests", "tqdm", "moto", "localstripe", "pytest", "schemathesis"}
    env = {**os.environ, "STAGE": "local"}
    subprocess.run(
        [sys.executable, "-c", f"DEV = {sorted(dev)!r}\n{code}"], check=True, env=env, timeout=60
    )


def test_the_demo_seed_step_indexes_the_seeded_movies() -> None:
    factories.movie("千与千寻")
    assert seed_search_index() == "1 movies indexed"
    assert len(indexed()) == 1
