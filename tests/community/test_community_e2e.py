"""Community over real HTTP (the local stack as ``make dev`` runs it)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from chalicelib.community.models import Rating
from local.stack import LocalStack
from tests.community.conftest import movie, token_for

pytestmark = pytest.mark.e2e


def _auth(user_id: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user_id, *roles)}"}


def test_concurrent_ratings_over_http_leave_an_exact_average(
    live_stack: LocalStack, make_movie
) -> None:
    base, movie_id = live_stack.api_url, make_movie()

    def rate(i: int) -> int:
        response = requests.put(
            f"{base}/movies/{movie_id}/rating",
            json={"stars": 1 + i % 10},
            headers=_auth(f"u{i % 8}"),
            timeout=30,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(rate, range(24))) == {200}
    m = movie(movie_id)
    # Each user's last write wins, whichever it was; the counters agree with the ratings.
    stars = [int(r.stars) for r in Rating.query(movie_id, consistent_read=True)]
    assert (int(m.rating_sum), int(m.rating_count)) == (sum(stars), 8)
    mine = requests.get(f"{base}/movies/{movie_id}/rating", headers=_auth("u0"), timeout=10)
    assert mine.json()["rating_average"] == round(sum(stars) / 8, 1)


def test_comment_flow_over_http(live_stack: LocalStack, make_movie) -> None:
    base, movie_id = live_stack.api_url, make_movie()
    posted = requests.post(
        f"{base}/movies/{movie_id}/comments",
        json={"body": "Over the wire"},
        headers=_auth("ann"),
        timeout=10,
    )
    assert posted.status_code == 201
    comment_id = posted.json()["comment_id"]
    liked = requests.put(f"{base}/comments/{comment_id}/like", headers=_auth("bob"), timeout=10)
    assert liked.json()["like_count"] == 1
    listed = requests.get(f"{base}/movies/{movie_id}/comments", timeout=10).json()["items"]
    assert [(c["body"], c["like_count"], c["can_edit"]) for c in listed] == [
        ("Over the wire", 1, False)
    ]
    for n in range(9):
        requests.post(
            f"{base}/movies/{movie_id}/comments",
            json={"body": f"more {n}"},
            headers=_auth("ann"),
            timeout=10,
        )
    refused = requests.post(
        f"{base}/movies/{movie_id}/comments",
        json={"body": "too many"},
        headers=_auth("ann"),
        timeout=10,
    )
    if refused.status_code == 201:
        pytest.skip("the minute window turned over mid-test")
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
