"""Waiting-list test helpers: the e-mailed offers, and the invariants every run must keep."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.booking.models import Seat
from chalicelib.booking.rules import SeatStatus
from chalicelib.boxoffice import counters
from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.selling.models import WaitlistEntry
from chalicelib.selling.waitlist_rules import EntryStatus, offer_hold_id


def offer_mails() -> list[dict[str, Any]]:
    """The waiting-list offers queued since the last call (received: gone from the queue)."""
    sqs = client("sqs")
    url = queue_url(get_settings().email_queue_name)
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return [m for m in found if m["kind"] == "waitlist_offer"]
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def entries(showtime_id: str) -> dict[str, WaitlistEntry]:
    return {e.user_id: e for e in WaitlistEntry.query(showtime_id, consistent_read=True)}


def assert_consistent(showtime_id: str) -> None:
    """Live offers hold disjoint seats, each held in the seat items by that offer alone,
    and the counters agree with the seat items."""
    seats = {s.seat_id: s for s in Seat.query(showtime_id, consistent_read=True)}
    live = [e for e in entries(showtime_id).values() if e.status == EntryStatus.OFFERED]
    offered = [s for e in live for s in e.offer_seat_ids or []]
    assert len(offered) == len(set(offered)), offered
    for entry in live:
        assert entry.offer_id is not None
        for seat_id in entry.offer_seat_ids or []:
            seat = seats[seat_id]
            assert (seat.status, seat.order_id) == (
                SeatStatus.HELD,
                offer_hold_id(entry.offer_id),
            )
    tally = counters.tally(showtime_id)
    by_status = {
        status: sum(1 for s in seats.values() if s.status == status)
        for status in (SeatStatus.AVAILABLE, SeatStatus.HELD, SeatStatus.SOLD)
    }
    assert (tally.free, tally.held, tally.sold) == (
        by_status[SeatStatus.AVAILABLE],
        by_status[SeatStatus.HELD],
        by_status[SeatStatus.SOLD],
    )
