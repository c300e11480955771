"""The demo seeder writes through the services and runs once."""

from chalicelib.accounts.seed import seed_demo_accounts
from chalicelib.community.models import Comment, Rating, Want
from chalicelib.community.seed import seed_demo_community
from tests.community.conftest import movie


def test_demo_community_is_seeded_once_with_exact_counters(make_movie) -> None:
    assert seed_demo_community().startswith("skipped")
    seed_demo_accounts()
    ids = [make_movie(f"Film {i}") for i in range(3)]
    assert "one thread" in seed_demo_community()
    assert seed_demo_community() == "already there"
    for movie_id in ids:
        m = movie(movie_id)
        stars = [int(r.stars) for r in Rating.query(movie_id)]
        assert (m.rating_sum, m.rating_count) == (sum(stars), 2)
        assert m.want_count == 1
    assert Want.count() == 3
    assert Comment.count() == 2
