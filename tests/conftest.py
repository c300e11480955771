"""The test session runs against real local services: DynamoDB Local, moto server,
localstripe and one OpenSearch node, started on free ports for this run (their start-ups
overlap) and stopped at the end.

Ports are chosen and the environment set in ``pytest_configure`` — before any test
module imports ``chalicelib`` — because pynamodb binds table names and the endpoint when
a model class is defined. Each test starts with empty tables.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from local.env import Ports
from local.services import free_port
from local.stack import LocalStack

_stack: LocalStack | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _stack
    state_dir = Path(tempfile.mkdtemp(prefix="marquee-test-"))
    ports = Ports(
        api=free_port(),
        dynamodb=free_port(),
        moto=free_port(),
        stripe=free_port(),
        web=free_port(),
        opensearch=free_port(),
    )
    _stack = LocalStack(ports=ports, state_dir=state_dir, persistent=False, prefix="test-")
    _stack.apply_environment()
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    # The suite sends far more than 100 requests a minute from one IP; the rate-limit
    # tests lower these again. Cheap (still valid) Argon2id keeps logins fast.
    os.environ["RATE_LIMIT_ANONYMOUS_PER_MINUTE"] = "1000000"
    os.environ["RATE_LIMIT_USER_PER_MINUTE"] = "1000000"
    os.environ["ARGON2_TIME_COST"] = "1"
    os.environ["ARGON2_MEMORY_KIB"] = "64"
    os.environ["ARGON2_PARALLELISM"] = "1"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _stack is not None:
        _stack.stop()


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """The stand-ins, started once per session, with every resource bootstrapped."""
    assert _stack is not None
    _stack.start_services()
    _stack.bootstrap()
    yield _stack
    _stack.stop()


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables (and no request counts), an empty queue and the
    real clock. A test marked ``pure`` (rules without I/O) touches none of them, so it
    neither starts the stand-ins nor pays for emptying every table after it."""
    from chalicelib.core import clock

    if request.node.get_closest_marker("pure"):
        yield
        clock.set_clock(clock.SystemClock())
        return
    request.getfixturevalue("stack")
    from chalicelib.accounts import throttle
    from chalicelib.core.dynamo import truncate_tables
    from local.bootstrap import reset_queues

    yield
    clock.set_clock(clock.SystemClock())
    truncate_tables()
    throttle.requests.forget()
    reset_queues()


@pytest.fixture(scope="module")
def live_stack(stack: LocalStack) -> Iterator[LocalStack]:
    """The API over real HTTP plus the function pumps, as ``make dev`` runs them, for the
    tests of one module (then stopped, so the pumps never race other modules' tests).

    localstripe's webhook points at this API, so payments confirmed there come back signed.
    """
    from dataclasses import replace

    stack.ports = replace(stack.ports, api=free_port())
    stack.start_api()
    # One request first, with time to spare: a fresh API creates its AWS clients on first
    # use, which on a loaded machine outlasts the tests' 10 s timeouts.
    requests.get(f"{stack.api_url}/health", timeout=120)
    stack.start_pumps()
    yield stack
    stack.stop_pumps()
    stack.stop_api()


@pytest.fixture(scope="session")
def app() -> Any:
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def api(app: Any) -> Any:
    from tests.support.http import ApiClient

    return ApiClient(app)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Change settings through the environment for one test, then restore them."""
    from chalicelib.core.config import reset_settings

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        reset_settings()

    yield set_env
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def frozen_clock() -> Any:
    """Time that only moves when the test says so."""
    from chalicelib.core import clock

    frozen = clock.FrozenClock(clock.now())
    clock.set_clock(frozen)
    return frozen


@pytest.fixture
def own_secrets(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Secrets of this test alone (``tests.support.secrets.OwnSecrets``), then the suite's."""
    from tests.support.secrets import OwnSecrets

    own = OwnSecrets(monkeypatch)
    yield own
    monkeypatch.undo()
    own.forget()
    own.delete_all()
