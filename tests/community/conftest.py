"""Community tests create movies and users directly through their models: the catalogue
and accounts services are other areas' business; only their items matter here."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.accounts.models import User
from chalicelib.accounts.tokens import issue_access_token
from chalicelib.catalog.models import Movie
from chalicelib.core import clock


def token_for(user_id: str, *roles: str) -> str:
    return issue_access_token(user_id, ["user", *roles])


@pytest.fixture
def frozen_clock() -> Any:
    """Frozen an hour in the past: pyjwt refuses a token whose ``iat`` is ahead of the wall
    clock, so a test that advances time must not overtake it."""
    frozen = clock.FrozenClock(clock.now() - timedelta(hours=1))
    clock.set_clock(frozen)
    return frozen


@pytest.fixture
def make_movie() -> Callable[..., str]:
    def make(title: str = "Arrival", *, deleted: bool = False) -> str:
        movie_id = f"m-{uuid.uuid4().hex[:12]}"
        now = clock.now()
        Movie(
            movie_id,
            title=title,
            duration=116,
            release_date="2016-11-11",
            status=None if deleted else "showing",
            listed=None if deleted else "1",
            deleted=deleted,
            created_at=now,
            updated_at=now,
        ).save()
        return movie_id

    return make


@pytest.fixture
def make_user() -> Callable[..., str]:
    def make(username: str | None = None, *, nick_name: str | None = None) -> str:
        user_id = f"u-{uuid.uuid4().hex[:12]}"
        name = username or f"user{uuid.uuid4().hex[:8]}"
        User(
            user_id,
            username=name,
            email=f"{name}@example.com",
            password_hash="not-a-real-hash",
            nick_name=nick_name,
            created_at=clock.now(),
        ).save()
        return user_id

    return make


@pytest.fixture
def as_user(api: Any) -> Callable[..., Any]:
    """An API client signed in as ``user_id`` with the given extra roles."""

    def client(user_id: str, *roles: str) -> Any:
        return api.as_user(token_for(user_id, *roles))

    return client


def movie(movie_id: str) -> Movie:
    return Movie.get(movie_id, consistent_read=True)
