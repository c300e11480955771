"""Booking routes: seat maps, quotes, orders, tickets, check-in, coupons, Stripe webhook.

``POST /orders`` needs an ``Idempotency-Key`` header (1-100 visible characters); without
one it is a 422 naming the header, because a retried request without a key could hold a
second set of seats.
"""

from __future__ import annotations

from chalice import Blueprint
from chalice.app import Request

from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Link, Reply, route
from chalicelib.booking import coupons, service, settlement
from chalicelib.booking.schemas import (
    CheckinRequest,
    CouponRequest,
    IssuedCouponOut,
    MyCouponOut,
    MyCouponsQuery,
    OrderHeaders,
    OrderInState,
    OrderOut,
    OrderRequest,
    PlacedOrder,
    QuoteOut,
    SeatMapOut,
    SeatsUnavailable,
    StrandedSeats,
    TicketOut,
    WebhookAck,
    WebhookHeaders,
)
from chalicelib.boxoffice import checkins
from chalicelib.boxoffice.checkins import ShowOver, ShowtimeCancelled, TicketUsed, TicketVoid
from chalicelib.boxoffice.schemas import StaffTicketOut
from chalicelib.boxoffice.staff import NotStaff, OtherCinema
from chalicelib.core.errors import (
    BadRequest,
    Conflict,
    NotFound,
    ServiceUnavailable,
    UnknownReference,
)
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.core.roles import Role
from chalicelib.selling.waitlist import OfferClosed

bp = Blueprint(__name__)
TAGS = ("booking",)
POST = ("POST",)

#: what choosing seats can answer: unknown showtime (404), taken or stranded seats, a
#: waiting-list offer closed, sales closed (409)
CHOOSING = (UnknownReference, SeatsUnavailable, StrandedSeats, OfferClosed, Conflict)


def _on_order(operation: str) -> Link:
    return Link(operation, {"order_id": "$response.body#/order/order_id"})


@route(bp, "/showtimes/{showtime_id}/seats", response=SeatMapOut, tags=TAGS)
def seat_map(showtime_id: str) -> SeatMapOut:
    """Seat map: rows of cells (``null`` = aisle) with seat_id, type, status and price."""
    return SeatMapOut.model_validate(service.seat_map(showtime_id))


@route(
    bp,
    "/orders/quote",
    methods=POST,
    body=OrderRequest,
    response=QuoteOut,
    auth=Role.USER,
    errors=CHOOSING,
    tags=TAGS,
)
def quote_order(body: OrderRequest, principal: Principal) -> QuoteOut:
    """Price seats and a coupon exactly as an order would, holding nothing."""
    return service.get_quote(
        principal.user_id,
        body.showtime_id,
        body.seat_ids,
        body.coupon_id,
        body.voucher_code,
        body.ticket_types,
        body.waitlist_offer,
    )


@route(
    bp,
    "/orders",
    methods=POST,
    body=OrderRequest,
    headers=OrderHeaders,
    response=PlacedOrder,
    status=201,
    auth=Role.USER,
    errors=CHOOSING,
    location=True,
    links={
        "get": _on_order("get_order"),
        "cancel": _on_order("cancel_order"),
        "tickets": _on_order("order_tickets"),
    },
    tags=TAGS,
)
def place_order(body: OrderRequest, headers: OrderHeaders, principal: Principal) -> Reply:
    """Hold the seats and create the order; answers the PaymentIntent's client secret.

    The same Idempotency-Key with the same body answers the first order again; with
    another body it is a 422. 409 names seats that were taken (``unavailable_seats``) or
    would be left alone in their row (``stranded_seats``)."""
    placed = service.place_order_once(
        principal.user_id,
        headers.idempotency_key,
        body.model_dump(mode="json"),
        bp.current_app.lambda_context,
    )
    return Reply(placed, headers={"Location": f"/orders/{placed.order.order_id}"})


@route(bp, "/orders", query=PageQuery, response=Page[OrderOut], auth=Role.USER, tags=TAGS)
def list_orders(query: PageQuery, principal: Principal) -> Page[OrderOut]:
    """My orders, newest first."""
    return service.list_orders(principal.user_id, query)


@route(bp, "/orders/{order_id}", response=OrderOut, auth=Role.USER, tags=TAGS)
def get_order(order_id: str, principal: Principal) -> OrderOut:
    """One order: the owner's, or any order for staff."""
    return service.order_detail(order_id, principal)


@route(
    bp,
    "/orders/{order_id}/cancel",
    methods=POST,
    response=OrderOut,
    auth=Role.USER,
    errors=(OrderInState, Conflict, ServiceUnavailable),
    tags=TAGS,
)
def cancel_order(order_id: str, principal: Principal) -> OrderOut:
    """Cancel: pending any time; paid until the cancel deadline before the show (refunded).

    409 after the deadline, or for an order that has ended."""
    return service.cancel_order(order_id, principal)


@route(
    bp,
    "/orders/{order_id}/tickets",
    response=list[TicketOut],
    auth=Role.USER,
    errors=(OrderInState,),
    tags=TAGS,
)
def order_tickets(order_id: str, principal: Principal) -> list[TicketOut]:
    """The tickets of a paid order, one per seat, each with its signed code (409 before)."""
    return service.order_tickets(order_id, principal)


@route(
    bp,
    "/checkin",
    methods=POST,
    body=CheckinRequest,
    response=StaffTicketOut,
    auth=Role.USER,
    errors=(
        BadRequest,
        NotStaff,
        OtherCinema,
        NotFound,
        TicketUsed,
        TicketVoid,
        ShowOver,
        ShowtimeCancelled,
        Conflict,
    ),
    tags=TAGS,
)
def check_in(body: CheckinRequest, principal: Principal) -> StaffTicketOut:
    """Let a ticket in (once), for staff of its cinema: 400 forged code, 403
    ``not-staff`` / ``other-cinema``, 409 ``ticket-used`` / ``ticket-void`` / ``show-over`` /
    ``showtime-cancelled``."""
    return checkins.check_in(body.code, principal)


@route(
    bp,
    "/payments/stripe/webhook",
    methods=POST,
    headers=WebhookHeaders,
    response=WebhookAck,
    errors=(BadRequest, ServiceUnavailable),
    tags=TAGS,
    content_types=("application/json", "application/json; charset=utf-8"),
    rate_limited=False,
)  # its signature authenticates it; Stripe sends from a few IPs
def stripe_webhook(headers: WebhookHeaders, request: Request) -> WebhookAck:
    """Signed Stripe events; the signature covers the raw body, so it is read unparsed
    (400 when it does not verify, or the event is not one)."""
    raw = request.raw_body or b""
    payload = raw.encode() if isinstance(raw, str) else raw
    return settlement.handle_stripe_event(payload, headers.stripe_signature)


@route(
    bp,
    "/coupons",
    methods=POST,
    body=CouponRequest,
    response=IssuedCouponOut,
    status=201,
    auth=Role.STAFF,
    errors=(UnknownReference,),
    tags=TAGS,
)
def create_coupon(body: CouponRequest, principal: Principal) -> IssuedCouponOut:
    """Create a coupon and issue it to ``user_ids`` (404 for a user or movie that does not
    exist: nothing is issued then)."""
    return coupons.create_coupon(
        **body.fields(), created_by=principal.user_id, user_ids=body.root.user_ids
    )


@route(
    bp,
    "/me/coupons",
    query=MyCouponsQuery,
    response=Page[MyCouponOut],
    auth=Role.USER,
    errors=(UnknownReference, Conflict),
    tags=TAGS,
)
def my_coupons(query: MyCouponsQuery, principal: Principal) -> Page[MyCouponOut]:
    """My usable coupons; with ``showtime_id`` + ``seat_ids`` (or ``subtotal``) each says
    whether it applies and what it takes off."""
    subtotal, movie_id, currency = query.subtotal, None, None
    if query.showtime_id:
        seat_ids = [s for s in (query.seat_ids or "").split(",") if s]
        movie_id, currency, priced = service.order_context(query.showtime_id, seat_ids)
        subtotal = priced if priced is not None else subtotal
    page = PageQuery(limit=query.limit, cursor=query.cursor)
    return coupons.my_coupons(principal.user_id, page, subtotal, movie_id, currency)
