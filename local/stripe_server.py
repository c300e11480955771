"""localstripe, plus the one step of Stripe.js its browser stand-in leaves out.

Real Stripe.js ``confirmCardPayment(clientSecret, {payment_method: {card}})`` sends the
card to ``POST /v1/payment_intents/{id}/confirm`` with the publishable key and the client
secret: Stripe creates the PaymentMethod, attaches it and confirms, all in one call.
localstripe's stand-in (served at ``/js.stripe.com/v3/``) only performs the 3-D Secure
step, and its confirm endpoint takes neither a publishable key nor card data. So this
launcher runs localstripe's own aiohttp app with one middleware in front that

- answers that client-side confirm as Stripe does (create, attach, confirm; a declined
  card is a 402 ``card_declined`` error and the intent waits for another card), and
- serves localstripe's script followed by ``assets/stripe-completion.js``, which routes
  ``confirmCardPayment`` through that confirm (then to the stand-in's 3-D Secure step
  when the card asks for it) and labels the card fields.

Local only: ``local.services.localstripe`` starts it in place of ``python -m localstripe``.
"""

from __future__ import annotations

import argparse
import logging
import re
import socket
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web
from localstripe import server as localstripe
from localstripe.errors import UserError
from localstripe.resources import PaymentIntent, PaymentMethod, store

CONFIRM = re.compile(r"^/v1/payment_intents/(pi_\w+)/confirm$")
SCRIPT_PATH = "/js.stripe.com/v3/"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def stand_in_script() -> str:
    base = Path(localstripe.__file__).with_name("localstripe-v3.js").read_text("utf-8")
    completion = resources.files("local.assets").joinpath("stripe-completion.js")
    return base + "\n" + completion.read_text("utf-8")


def confirm_with_card(intent_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """What Stripe does for a browser's confirm: check the client secret, make the card's
    PaymentMethod, attach it and confirm the intent."""
    intent = PaymentIntent._api_retrieve(intent_id)
    if data.get("client_secret") != intent.client_secret:
        raise UserError(401, "Unauthorized")
    method_data = data.get("payment_method_data")
    if not isinstance(method_data, dict) or method_data.get("type") != "card":
        raise UserError(400, "payment_method_data with type card is required")
    method = PaymentMethod._api_create(
        type="card",
        card=method_data.get("card"),
        billing_details=method_data.get("billing_details"),
    )
    PaymentIntent._api_update(intent_id, payment_method=method.id)
    if intent.latest_charge is not None and intent.latest_charge.status == "failed":
        intent.latest_charge = None  # a new attempt after a declined card, as on Stripe
    PaymentIntent._api_confirm(intent_id)
    exported: dict[str, Any] = PaymentIntent._api_retrieve(intent_id)._export()
    return exported


@web.middleware
async def browser_side(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "GET" and request.path == SCRIPT_PATH:
        return web.Response(text=stand_in_script(), content_type="application/javascript")
    match = CONFIRM.match(request.path)
    if request.method == "POST" and match:
        data = await localstripe.get_post_data(request, remove_auth=False) or {}
        if str(data.get("key", "")).startswith("pk_"):
            try:
                body = confirm_with_card(match.group(1), data)
            except UserError as error:
                return error.to_response()
            finally:
                store.dump_to_disk()
            return localstripe.json_response(body)
    return await handler(request)


def main() -> None:
    parser = argparse.ArgumentParser(description="localstripe with Stripe.js's card confirm")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--from-scratch", action="store_true")
    args = parser.parse_args()
    if not args.from_scratch:
        store.try_load_from_disk()
    app = localstripe.app
    app.middlewares.insert(0, browser_side)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::", args.port))
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.addHandler(logging.StreamHandler())
    web.run_app(app, sock=sock, access_log=access, print=None)


if __name__ == "__main__":
    main()
