"""The sweeper runs every area's task; one failing task does not stop the others."""

from datetime import datetime

import pytest

from functions import sweeper
from local.pumps import LambdaContext

CALLS: list[datetime] = []


def counting_task(now: datetime) -> int:
    CALLS.append(now)
    return 2


def failing_task(now: datetime) -> int:
    raise RuntimeError("boom")


def test_every_task_runs_and_a_failure_is_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    here = "tests.functions.test_sweeper"
    monkeypatch.setattr(sweeper, "TASKS", (f"{here}:failing_task", f"{here}:counting_task"))
    result = sweeper.handler({"detail-type": "Scheduled Event"}, LambdaContext("sweeper"))
    assert result["results"] == {f"{here}:failing_task": "failed", f"{here}:counting_task": 2}
    assert len(CALLS) == 1


def test_every_registered_task_is_importable() -> None:
    assert set(sweeper.load_tasks()) == set(sweeper.TASKS)
