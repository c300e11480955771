"""The seat map, the hottest read: one Query of the showtime's seats and nothing else,
however many anonymous callers ask (rate limits are counted per container in batches)."""

from __future__ import annotations

from typing import Any

from chalicelib.booking.models import Seat
from chalicelib.core.config import get_settings
from tests.booking.support import make_showtime


def test_anonymous_seat_maps_cost_one_query_each_and_no_rate_limit_round_trip(
    api: Any, requests_sent: list[tuple[str, dict[str, Any]]], settings_env: Any
) -> None:
    settings_env(RATE_LIMIT_ANONYMOUS_PER_MINUTE="100")  # the deployed limit (tests raise it)
    show = make_showtime()
    requests_sent.clear()
    batch = get_settings().rate_limit_anonymous_per_minute // 10  # the per-container batch
    for _ in range(batch - 1):
        assert api.get(f"/showtimes/{show.showtime_id}/seats").status == 200
    assert [name for name, _ in requests_sent] == ["Query"] * (batch - 1)
    assert {params["TableName"] for _, params in requests_sent} == {Seat.Meta.table_name}

    api.get(f"/showtimes/{show.showtime_id}/seats")  # the batch's last request adds it
    assert [name for name, _ in requests_sent][-2:] == ["UpdateItem", "Query"]
