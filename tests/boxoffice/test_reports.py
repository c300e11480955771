"""Reports from the counters, CSV exports through S3, the daily summary e-mail."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import requests

from chalicelib.boxoffice.summary import previous_day, send_daily_summaries
from tests.booking.support import issue_coupon, make_showtime, make_users
from tests.boxoffice.support import paid_online, queued_emails, run_jobs, staff_api


def day_of(show: Any) -> str:
    from chalicelib.catalog.models import Showtime

    return str(Showtime.get(show.showtime_id).day)


def test_a_showtime_report_has_every_figure(api: Any) -> None:
    show = make_showtime()
    coupon = issue_coupon(["bob"], amount_off=1000)
    paid_online("alice", show.showtime_id, ["A01", "A02"])
    refunded = paid_online("bob", show.showtime_id, ["B01"], coupon)
    staff = staff_api(api)
    staff.put(
        f"/showtimes/{show.showtime_id}/blocked-seats", json={"seat_ids": ["C01"], "reason": "x"}
    )
    staff.post(f"/orders/{refunded['order_id']}/refund", json={"reason": "asked"})
    report = staff.get(f"/reports/showtimes/{show.showtime_id}")
    assert report.status == 200, report.json
    assert report.json["figures"] == {
        "capacity": 50,
        "free": 47,
        "held": 0,
        "sold": 2,
        "blocked": 1,
        "checked_in": 0,
        "orders": 2,
        "gross": 13500,
        "discounts": 1000,
        "refunds": 3500,
        "refunded_seats": 1,
        "net": 9000,
        "counter_cash": 0,
        "counter_terminal": 0,
    }


def test_a_cinema_report_sums_its_days(api: Any) -> None:
    first = make_showtime()
    second = make_showtime(starts_in=timedelta(days=3))
    elsewhere = make_showtime(cinema_id="cinema-2")
    paid_online("alice", first.showtime_id, ["A01"])
    paid_online("alice", second.showtime_id, ["A01", "A02"])
    paid_online("alice", elsewhere.showtime_id, ["A01"])
    staff = staff_api(api)
    days = (day_of(first), day_of(second))
    report = staff.get(f"/reports/cinemas/cinema-1?from={days[0]}&to={days[1]}")
    assert report.status == 200, report.json
    assert [d["day"] for d in report.json["days"]] == list(days)
    assert [d["figures"]["sold"] for d in report.json["days"]] == [1, 2]
    assert report.json["total"]["gross"] == 3 * 4500
    assert report.json["total"]["capacity"] == 100
    assert staff.get(f"/reports/cinemas/cinema-1?from={days[1]}&to={days[0]}").status == 422
    assert staff.get("/reports/cinemas/cinema-1?from=2026-01-01").status == 422
    assert staff.get(f"/reports/cinemas/cinema-2?from={days[0]}&to={days[1]}").status == 403


def test_an_export_is_written_in_chunks_with_progress_and_a_link(api: Any) -> None:
    from chalicelib.boxoffice import exports

    shows = [make_showtime(starts_in=timedelta(days=2, hours=i)) for i in range(3)]
    for i, show in enumerate(shows):
        paid_online(f"buyer-{i}", show.showtime_id, ["A01", "A02"])
    staff = staff_api(api)
    day = day_of(shows[0])
    last = day_of(shows[-1])
    exports.CHUNK = 2  # small chunks: the export takes two jobs and a join
    try:
        created = staff.post(
            "/exports", json={"cinema_id": "cinema-1", "from": day, "to": last, "kind": "orders"}
        )
        assert created.status == 202, created.json
        export_id = created.json["export_id"]
        assert created.json["status"] == "queued" and created.json["showtimes_total"] == 3
        run_jobs(limit=1)
        halfway = staff.get(f"/exports/{export_id}").json
        assert (halfway["status"], halfway["showtimes_done"], halfway["url"]) == (
            "running",
            2,
            None,
        )
        run_jobs()
    finally:
        exports.CHUNK = 20
    done = staff.get(f"/exports/{export_id}").json
    assert done["status"] == "done" and done["rows"] == 3
    body = requests.get(done["url"], timeout=10)
    assert body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body.text)))
    assert len(rows) == 3 and {r["status"] for r in rows} == {"paid"}
    assert sum(int(r["total"]) for r in rows) == 3 * 9000
    tickets = staff.post(
        "/exports", json={"cinema_id": "cinema-1", "from": day, "to": last, "kind": "tickets"}
    ).json
    run_jobs()
    ticket_rows = requests.get(
        staff.get(f"/exports/{tickets['export_id']}").json["url"], timeout=10
    )
    assert len(list(csv.DictReader(io.StringIO(ticket_rows.text)))) == 6
    assert staff_api(api, {"cinema-2"}).get(f"/exports/{export_id}").status == 403
    too_long = staff.post(
        "/exports",
        json={"cinema_id": "cinema-1", "from": "2026-01-01", "to": "2026-12-31", "kind": "orders"},
    )
    assert too_long.status == 422


def test_the_summary_is_of_the_day_before_where_the_cinemas_are() -> None:
    from datetime import UTC, datetime

    # 18:00 UTC is 02:00 the next morning in Shanghai: "yesterday" there is the same date
    assert previous_day(datetime(2026, 12, 1, 18, 0, tzinfo=UTC)) == "2026-12-01"
    assert previous_day(datetime(2026, 12, 1, 15, 0, tzinfo=UTC)) == "2026-11-30"


def test_the_daily_summary_goes_to_each_cinemas_staff_once(api: Any) -> None:
    from chalicelib.boxoffice.staff import grant
    from chalicelib.core.roles import Role
    from tests.catalog import factories

    cinema = factories.cinema(factories.city())
    other = factories.cinema(factories.city("北京"), name="other")
    make_users(["manager", "clerk", "outsider"])
    grant("manager", [Role.STAFF], [cinema])
    grant("clerk", [Role.BOX_OFFICE], [cinema])
    grant("outsider", [Role.STAFF], [other])
    show = make_showtime(cinema_id=cinema, starts_in=timedelta(days=1))
    paid_online("alice", show.showtime_id, ["A01", "A02"])
    day = day_of(show)
    assert send_daily_summaries(day) == 3
    send_daily_summaries(day)  # a retried schedule
    # the retried run queued the same messages again: the mailer sends each id once
    mails = list({m["message_id"]: m for m in queued_emails("daily_summary")}.values())
    mine = sorted(m["to"] for m in mails if cinema in m["message_id"])
    assert mine == ["clerk@example.com", "manager@example.com"]
    assert len({m["message_id"] for m in mails}) == 3
    text = next(m["text"] for m in mails if m["to"] == "manager@example.com")
    assert "2 sold of 50" in text and "gross 9000" in text
