"""Reminder e-mails: opted in through PATCH /me, one per movie when it goes on sale in the
user's city, one per paid order 2 hours before its showtime with the ticket codes; runs
repeated send nothing twice."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib.accounts.models import User
from chalicelib.accounts.tokens import issue_access_token
from chalicelib.booking import orders, service
from chalicelib.community.models import Want
from chalicelib.core import clock
from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from chalicelib.selling.reminders import send_reminders
from functions import sweeper
from tests.booking.support import make_users
from tests.catalog import factories as make


def queued(kind: str) -> list[dict[str, Any]]:
    """The queued e-mails of one kind (received: hidden from the next call)."""
    sqs = client("sqs")
    url = queue_url(get_settings().email_queue_name)
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return [m for m in found if m["kind"] == kind]
        found += [json.loads(m["Body"]) for m in batch]


def person(api: Any, user_id: str, city: str | None, **reminders: bool) -> str:
    make_users([user_id])
    token = issue_access_token(user_id, ["user"])
    body: dict[str, Any] = {"city": city}
    if reminders:
        body["reminders"] = reminders
    changed = api.as_user(token).patch("/me", json=body)
    assert changed.status == 200, changed.text
    return token


def want(user_id: str, movie_id: str) -> None:
    Want(user_id, movie_id, wanted_at=clock.isoformat(clock.now())).save()


def test_reminder_choices_are_part_of_the_profile(api: Any) -> None:
    token = person(api, "ann", None)
    me = api.as_user(token).get("/me").json
    assert me["reminders"] == {"want_to_see_on_sale": False, "before_showtime": False}
    changed = api.as_user(token).patch("/me", json={"reminders": {"before_showtime": True}})
    assert changed.json["reminders"] == {"want_to_see_on_sale": False, "before_showtime": True}
    assert api.as_user(token).patch("/me", json={"reminders": {"often": True}}).status == 422
    assert (
        api.as_user(token).patch("/me", json={"reminders": {"before_showtime": "x"}}).status == 422
    )


def test_fans_in_the_city_who_opted_in_hear_once_per_movie_that_it_is_on_sale(
    api: Any,
) -> None:
    shanghai, beijing = make.city("上海"), make.city("北京")
    movie = make.movie(duration=90)
    person(api, "ann", "上海", want_to_see_on_sale=True)  # city by name
    person(api, "bob", "上海")  # did not opt in
    person(api, "cai", beijing, want_to_see_on_sale=True)  # city by id, elsewhere
    person(api, "dan", "上海", want_to_see_on_sale=True)  # does not want it
    for fan in ("ann", "bob", "cai"):
        want(fan, movie)
    closed = make.showtime(
        movie, make.hall(make.cinema(shanghai)), make.tomorrow_at(10), sales_open=False
    )
    assert send_reminders(clock.now()) == 0  # not on sale yet
    assert closed
    make.showtime(movie, make.hall(make.cinema(shanghai, "B")), make.tomorrow_at(19))
    assert send_reminders(clock.now()) == 1
    mails = queued("on_sale_reminder")
    assert [m["to"] for m in mails] == ["ann@example.com"]
    assert "上海" in mails[0]["subject"]
    assert send_reminders(clock.now()) == 0  # repeated runs send nothing
    # ann moves to Beijing, where the movie now opens too: one per movie, so only cai hears
    User("ann").update(actions=[User.city.set(beijing)])
    make.showtime(movie, make.hall(make.cinema(beijing)), make.tomorrow_at(20))
    assert send_reminders(clock.now()) == 1
    assert [m["to"] for m in queued("on_sale_reminder")] == ["cai@example.com"]


def test_ticket_holders_who_opted_in_get_their_codes_two_hours_before(
    api: Any, frozen_clock: Any
) -> None:
    city = make.city()
    movie = make.movie(duration=90)
    starts = clock.now() + timedelta(hours=3)
    show = make.showtime(movie, make.hall(make.cinema(city)), starts)
    person(api, "ann", None, before_showtime=True)
    person(api, "bob", None)
    person(api, "cai", None, before_showtime=True)
    paid = {}
    for user_id, seats in (
        ("ann", ["A01", "A02"]),
        ("bob", ["B01", "B02"]),
        ("cai", ["C01", "C02"]),
    ):
        placed = service.place_order(user_id, show, seats, None)
        paid[user_id] = placed.order.order_id
        if user_id != "cai":  # cai never pays
            orders.pay(orders.load(paid[user_id]), clock.now())
    assert send_reminders(clock.now()) == 0  # three hours ahead
    frozen_clock.advance(hours=1, minutes=1)
    assert sweeper.run_sweeps(clock.now())["chalicelib.selling.reminders:send_reminders"] == 1
    mails = queued("showtime_reminder")
    assert [m["to"] for m in mails] == ["ann@example.com"]
    codes = [t.code for t in service.order_tickets(paid["ann"], _principal("ann"))]
    assert len(codes) == 2 and all(code in mails[0]["text"] for code in codes)
    frozen_clock.advance(minutes=30)
    assert send_reminders(clock.now()) == 0
    assert queued("showtime_reminder") == []


def _principal(user_id: str) -> Any:
    from chalicelib.accounts.tokens import decode_access_token

    return decode_access_token(issue_access_token(user_id, ["user"]))
