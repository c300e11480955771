"""Steps a function's container runs (``tests.infrastructure.containers``): the function's
real code paths, driven the way its trigger or its clients drive them on AWS.

- api: HTTP requests through the same gateway the local server uses, and what a browser
  does with their answers (the presigned upload form, the avatar's download URL);
- mailer: the SQS event source (receive, invoke, delete what succeeded);
- indexer: the DynamoDB Streams event source on the movies table;
- boxoffice: the SQS event source of the box-office job queue, as mailer;
- sweeper, reconciler, summary: the EventBridge schedules (each rule's constant event), at
  a given time.

Run as a module, it answers the steps sent on stdin (see ``containers``).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from tests.infrastructure.containers import REPLY

STEPS: dict[str, Callable[..., Any]] = {}
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 500


def step(function: Callable[..., Any]) -> Callable[..., Any]:
    STEPS[function.__name__] = function
    return function


# --- api --------------------------------------------------------------------------------

_client: Any = None


def api(token: str | None = None) -> Any:
    global _client
    if _client is None:
        from app import app
        from tests.support.http import ApiClient

        _client = ApiClient(app)
    return _client.as_user(token)


def expect(result: Any, status: int) -> Any:
    assert result.status == status, f"{result.status}: {result.text}"
    return result.json


@step
def request_code(email: str) -> None:
    expect(api().post("/auth/codes", json={"email": email, "purpose": "register"}), 202)


@step
def register(email: str, username: str, code: str, password: str) -> str:
    body = {"email": email, "code": code, "username": username, "password": password}
    return str(expect(api().post("/auth/register", json=body), 201)["access_token"])


@step
def upload_avatar(token: str) -> dict[str, Any]:
    """Presign, upload from the "browser", attach to the profile, download it back."""
    me = api(token)
    grant = expect(
        me.post("/uploads", json={"kind": "avatar", "content_type": "image/png", "size": len(PNG)}),
        200,
    )
    files = {"file": ("avatar.png", PNG, "image/png")}
    uploaded = requests.post(grant["url"], data=grant["fields"], files=files, timeout=10)
    assert uploaded.status_code in (200, 201, 204), uploaded.text
    expect(me.patch("/me", json={"avatar_key": grant["key"]}), 200)
    shown = requests.get(expect(me.get("/me"), 200)["avatar_url"], timeout=10)
    assert shown.content == PNG, shown.text
    return {"key": grant["key"]}


@step
def place_order(
    token: str | None,
    pay: bool,
    webhook: bool = True,
    coupon: bool = False,
    voucher: bool = False,
    showtime_id: str | None = None,
    at: str | None = None,
    buyer: str | None = None,
    cinema_id: str | None = None,
    row: str = "A",
) -> dict[str, str]:
    """An order for seats 01 and 02 of ``row`` (A) of a new showtime (or of
    ``showtime_id``), placed at ``at`` (ISO 8601; now by default), with a coupon issued to
    the buyer when ``coupon`` (a voucher code staff made when ``voucher``); paid by card
    when ``pay`` and then confirmed by Stripe's webhook unless that delivery is lost
    (``webhook=False``), else left pending (its hold runs out). ``buyer`` names a user to
    buy as instead of ``token``'s (signed in at ``at``); a new showtime is at ``cinema_id``
    when given."""
    from chalicelib.accounts.tokens import issue_access_token
    from chalicelib.core import clock
    from tests.booking.support import make_showtime, pay_by_card, succeeded_event, webhook_headers

    when = clock.FrozenClock(datetime.fromisoformat(at)) if at else clock.SystemClock()
    with clock.using(when):
        if buyer:
            token = issue_access_token(buyer, ["user"])
        if not showtime_id:
            at_cinema = {"cinema_id": cinema_id} if cinema_id else {}
            showtime_id = make_showtime(**at_cinema).showtime_id
        body: dict[str, Any] = {"showtime_id": showtime_id, "seat_ids": [f"{row}01", f"{row}02"]}
        if coupon:
            body["coupon_id"] = issue_coupon(expect(api(token).get("/me"), 200)["user_id"])
        if voucher:
            body["voucher_code"] = issue_voucher()
        placed = expect(
            api(token).post("/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}),
            201,
        )
    order_id = str(placed["order"]["order_id"])
    if pay:
        intent = placed["payment"]["payment_intent_id"]
        assert pay_by_card(intent) == "succeeded"
    if pay and webhook:
        body, signature = succeeded_event(intent, order_id)
        delivered = api().post(
            "/payments/stripe/webhook", body=body, headers=webhook_headers(signature)
        )
        expect(delivered, 200)
    return {"order_id": order_id, "showtime_id": showtime_id}


#: the stored administrator the staff steps act as (``act_as``): staff routes read the
#: caller's record on every request, so a token alone no longer makes anyone staff
_staff_id: str | None = None


@step
def act_as(token: str) -> str:
    """From now on the staff steps act as ``token``'s user (an administrator)."""
    global _staff_id
    _staff_id = str(expect(api(token).get("/me"), 200)["user_id"])
    return _staff_id


def staff() -> Any:
    from chalicelib.accounts.tokens import issue_access_token

    assert _staff_id, "no act_as step ran"
    return api(issue_access_token(_staff_id, ["user", "admin"]))


def issue_coupon(user_id: str) -> str:
    now = datetime.now(UTC)
    body = {
        "name": "Welcome",
        "kind": "fixed",
        "amount_off": 500,
        "valid_from": (now - timedelta(days=1)).isoformat(),
        "valid_until": (now + timedelta(days=7)).isoformat(),
        "user_ids": [user_id],
    }
    return str(expect(staff().post("/coupons", json=body), 201)["coupon_id"])


def issue_voucher() -> str:
    now = datetime.now(UTC)
    body = {
        "max_usages": 5,
        "price_mode": "amount_off",
        "value": 500,
        "valid_from": (now - timedelta(days=1)).isoformat(),
        "valid_until": (now + timedelta(days=7)).isoformat(),
    }
    return str(expect(staff().post("/vouchers", json=body), 201)["vouchers"][0]["code"])


@step
def list_for_sale(showtime_id: str) -> None:
    """The showtime listed for sale in its city, whose area exists (as the catalogue's
    writes and the seeded areas leave them): the sweeper's reminders then find it."""
    from chalicelib.catalog.models import LISTED, Area, Showtime
    from chalicelib.core.dynamo import get_or_none

    showtime = Showtime.get(showtime_id)
    showtime.update(actions=[Showtime.listed.set(LISTED)])
    if get_or_none(Area, showtime.city_id) is None:
        Area(showtime.city_id, name="Shanghai", level="city", kind="area").save()


@step
def add_movie(release_in_days: int) -> str:
    """A movie added by staff, released ``release_in_days`` from today."""
    from chalicelib.catalog.support import local_today

    release = (local_today() + timedelta(days=release_in_days)).isoformat()
    body = {"title": "Coming soon", "duration": 100, "release_date": release}
    return str(expect(staff().post("/movies", json=body), 201)["movie_id"])


@step
def order_status(order_id: str) -> str:
    """An order's status, as an administrator reads any order."""
    return str(expect(staff().get(f"/orders/{order_id}"), 200)["status"])


@step
def open_cinema() -> str:
    """A cinema (in a new city), as the catalogue's services write one."""
    from tests.catalog import factories

    return factories.cinema(factories.city())


@step
def grant_staff(token: str, cinema_id: str) -> None:
    """The administrator makes ``token``'s user staff of ``cinema_id``."""
    user_id = expect(api(token).get("/me"), 200)["user_id"]
    body = {"roles": ["staff"], "cinema_ids": [cinema_id]}
    expect(staff().post(f"/users/{user_id}/roles", json=body), 200)


@step
def showtime_starts(showtime_id: str) -> str:
    """When the showtime starts (ISO 8601), as anyone reads it."""
    return str(expect(api().get(f"/showtimes/{showtime_id}"), 200)["starts_at"])


@step
def cancel_showtime(showtime_id: str) -> None:
    body = {"reason": "The projector broke down."}
    expect(staff().post(f"/showtimes/{showtime_id}/cancel", json=body), 202)


@step
def cancellation(showtime_id: str) -> dict[str, Any]:
    return dict(expect(staff().get(f"/showtimes/{showtime_id}/cancellation"), 200))


@step
def export_orders(cinema_id: str, first: str, last: str) -> str:
    body = {"cinema_id": cinema_id, "from": first, "to": last, "kind": "orders"}
    return str(expect(staff().post("/exports", json=body), 202)["export_id"])


@step
def download_export(export_id: str) -> str:
    """The finished export's CSV, fetched by its presigned link as a browser would."""
    export = expect(staff().get(f"/exports/{export_id}"), 200)
    assert export["status"] == "done", export
    fetched = requests.get(export["url"], timeout=10)
    assert fetched.status_code == 200, fetched.text
    return fetched.text


# --- mailer -----------------------------------------------------------------------------


@step
def deliver_mail() -> int:
    """Drain the e-mail queue through the mailer, as the SQS event source would."""
    from chalicelib.core.config import get_settings
    from functions import mailer
    from local.pumps import SqsPump

    pump = SqsPump(get_settings().email_queue_name, mailer.handler)
    while pump.pump_once():
        pass
    return pump.delivered


# --- boxoffice --------------------------------------------------------------------------


@step
def work_jobs() -> int:
    """Drain the box-office job queue through the worker, as its event source would (the
    jobs it queues itself included)."""
    from chalicelib.core.config import get_settings
    from functions import boxoffice
    from local.pumps import SqsPump

    pump = SqsPump(get_settings().boxoffice_queue_name, boxoffice.handler, batch_size=5)
    while pump.pump_once():
        pass
    return pump.delivered


# --- indexer ----------------------------------------------------------------------------

_stream: Any = None


@step
def follow_movies(stream_arn: str) -> None:
    """Attach the movies stream's event source (from now on, like a new mapping)."""
    global _stream
    from chalicelib.catalog.models import Movie
    from functions import indexer
    from local.pumps import StreamPump

    _stream = StreamPump(Movie.Meta.table_name, indexer.handler)
    _stream.stream_arn = stream_arn  # the event source knows its stream
    _stream.open()


@step
def index_changes(at_least: int) -> int:
    """Poll the stream until ``at_least`` records were indexed (a read of a stream may
    come back empty while records are on their way), or 30 polls went by."""
    for _ in range(30):
        if _stream.delivered >= at_least:
            break
        if not _stream.pump_once():
            time.sleep(0.2)
    return int(_stream.delivered)


# --- sweeper ----------------------------------------------------------------------------


@step
def sweep(at: str, cadence: str) -> dict[str, Any]:
    """One run of the ``cadence`` schedule (the event its rule sends), the clock at ``at``."""
    from chalicelib.core import clock
    from functions import sweeper
    from local.pumps import LambdaContext

    with clock.using(clock.FrozenClock(datetime.fromisoformat(at))):
        return dict(sweeper.handler({"cadence": cadence}, LambdaContext("sweeper")))


@step
def reconcile(at: str) -> dict[str, Any]:
    """One scheduled run of the payment reconciler, with the clock at ``at``."""
    from chalicelib.core import clock
    from functions import reconciler
    from local.pumps import LambdaContext

    with clock.using(clock.FrozenClock(datetime.fromisoformat(at))):
        return dict(reconciler.handler({"cadence": "minute"}, LambdaContext("reconciler")))


@step
def summarize(at: str) -> dict[str, Any]:
    """One scheduled run of the daily summary, with the clock at ``at``."""
    from chalicelib.core import clock
    from functions import daily_summary
    from local.pumps import LambdaContext

    with clock.using(clock.FrozenClock(datetime.fromisoformat(at))):
        return dict(daily_summary.handler({"cadence": "daily"}, LambdaContext("summary")))


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = {"ok": STEPS[request["step"]](**request["args"])}
        except BaseException:
            reply = {"error": traceback.format_exc()}
        sys.stdout.write(REPLY + json.dumps(reply, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
