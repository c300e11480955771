"""The reference web client in a real browser: Debian's Chromium driven by playwright-core
(``web/e2e/``), against the live local stack (API, pumps, localstripe) with the built client
(``web/dist``, ``make web``) served as ``make dev`` serves it, on another origin (so CORS is
exercised too). Each scenario's screenshots are kept under ``.artifacts/web/<scenario>/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from chalicelib.accounts.rules import LoginKind
from chalicelib.accounts.service import find_user
from chalicelib.boxoffice.staff import grant
from chalicelib.catalog.models import Showtime
from chalicelib.core.roles import Role
from local.services import ROOT
from local.stack import LocalStack
from tests.booking.support import pay_by_card, user_token
from tests.catalog import factories

pytestmark = pytest.mark.e2e

WEB = ROOT / "web"
ARTIFACTS = ROOT / ".artifacts" / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def site(live_stack: LocalStack) -> Iterator[LocalStack]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    if not (WEB / "dist" / "index.html").is_file():
        pytest.fail("web/dist is missing: run `make web`")
    live_stack.start_web()
    yield live_stack
    live_stack.stop_web()


def seed_showtime(api_url: str) -> dict[str, str]:
    """A film with a showtime tomorrow in a hall like the demo's (2 | 8 | 2 seats a row,
    6 rows), through the catalogue services, and indexed for search (by the stream pump)."""
    from chalicelib.booking.seed import PRICES
    from chalicelib.catalog import cinemas
    from chalicelib.catalog.schemas import HallIn
    from chalicelib.catalog.seed import demo_layout

    word = f"Zephyr{uuid.uuid4().hex[:6]}"
    title = f"{word} Express"
    movie_id = factories.movie(title, synopsis=f"A night train called {word} crosses the sea.")
    cinema_id = factories.cinema(factories.city())
    hall = cinemas.create_hall(
        cinema_id, HallIn.model_validate({"name": "1号厅", "layout": demo_layout(6, 2, 8)})
    )
    showtime_id = factories.showtime(
        movie_id,
        hall.hall_id,
        factories.tomorrow_at(19, 30),
        prices={seat_type: PRICES[seat_type] for seat_type in hall.seat_types},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = requests.get(f"{api_url}/search/suggest", params={"q": word}, timeout=10)
        # A node still opening the index answers 503 for a moment: not indexed yet either.
        if found.ok and any(item["movie_id"] == movie_id for item in found.json()["items"]):
            break
        time.sleep(0.3)
    else:
        pytest.fail(f"{title} was not indexed for search within 30 s")
    return {"movieTitle": title, "searchTerm": word, "showtimeId": showtime_id}


def demo_login(username: str) -> dict[str, str]:
    from chalicelib.accounts.seed import DEMO_ACCOUNTS, seed_demo_accounts

    seed_demo_accounts()
    return {"login": username, "password": DEMO_ACCOUNTS[username][1]}


def run_scenario(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    artefacts = ARTIFACTS / name
    shutil.rmtree(artefacts, ignore_errors=True)
    env = {
        **os.environ,
        "CHROMIUM": CHROMIUM,
        "E2E_INPUT": json.dumps(inputs),
        "E2E_ARTIFACTS": str(artefacts),
    }
    done = subprocess.run(
        ["node", "e2e/run.mjs", name],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, (
        f"scenario {name} failed (screenshots: {artefacts}):\n{done.stderr[-6000:]}"
    )
    assert sorted(p.name for p in artefacts.glob("*.png")), "no screenshots were saved"
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def order_and_tickets(order_id: str) -> tuple[str, set[str], set[str]]:
    from chalicelib.booking.models import Order, Ticket
    from chalicelib.booking.tickets import ticket_code

    order = Order.get(order_id, consistent_read=True)
    tickets = list(Ticket.query(order_id, consistent_read=True))
    codes = {ticket_code(t.order_id, t.seat_id, t.showtime_id) for t in tickets}
    return str(order.status), {t.seat_id for t in tickets}, codes


def test_a_new_user_signs_up_finds_a_film_pays_and_sees_two_qr_tickets(
    site: LocalStack,
) -> None:
    show = seed_showtime(site.api_url)
    result = run_scenario(
        "purchase",
        {**show, "webUrl": site.web_url, "outboxDir": site.environment()["OUTBOX_DIR"]},
    )
    status, seats, codes = order_and_tickets(result["orderId"])
    assert status == "paid"
    assert seats == {"E05", "E06"}
    assert set(result["codes"]) == codes  # the QR codes shown are the genuine tickets


def test_a_declined_card_shows_the_error_and_keeps_the_hold(site: LocalStack) -> None:
    show = seed_showtime(site.api_url)
    result = run_scenario("declined", {**show, **demo_login("alice"), "webUrl": site.web_url})
    status, seats, _ = order_and_tickets(result["orderId"])
    assert status == "paid"  # the hold outlived the decline; the second card paid
    assert seats == {"E05", "E06"}


def test_staff_checks_a_ticket_in_once_and_then_sees_already_used(site: LocalStack) -> None:
    show = seed_showtime(site.api_url)
    _, token = user_token()
    auth = {"Authorization": f"Bearer {token}"}
    placed = requests.post(
        f"{site.api_url}/orders",
        json={"showtime_id": show["showtimeId"], "seat_ids": ["C05", "C06"]},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order"]["order_id"]
    assert pay_by_card(placed.json()["payment"]["payment_intent_id"]) == "succeeded"
    deadline = time.monotonic() + timedelta(seconds=30).total_seconds()
    while order_and_tickets(order_id)[0] != "paid" and time.monotonic() < deadline:
        time.sleep(0.2)
    tickets = requests.get(f"{site.api_url}/orders/{order_id}/tickets", headers=auth, timeout=10)
    code = tickets.json()[0]["code"]

    # Staff check tickets in at their own cinemas only: the demo staff works at this one.
    # (The demo accounts are seeded by demo_login: every test starts with empty tables.)
    login = demo_login("staff")
    staff = find_user(LoginKind.USERNAME, "staff")
    assert staff is not None
    grant(staff.user_id, [Role.STAFF], [Showtime.get(show["showtimeId"]).cinema_id])
    result = run_scenario("checkin", {**login, "code": code, "webUrl": site.web_url})

    valid, used, forged = result["verdicts"]
    assert "Valid" in valid and "Already used" in used and "Forged" in forged
    from chalicelib.booking.models import Ticket

    seat = tickets.json()[0]["seat_id"]
    assert Ticket.get(order_id, seat, consistent_read=True).status == "used"
