"""The shared behaviour, against the SQLite FTS5 adapter (always runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.search.sqlite import SqliteSearchIndex
from tests.search.contract import IndexBehaviour


class TestSqliteIndex(IndexBehaviour):
    @pytest.fixture
    def index(self, tmp_path: Path) -> SqliteSearchIndex:
        return SqliteSearchIndex(str(tmp_path / "search.sqlite3"))
