"""Booking routes: seat maps, quotes, orders, tickets, check-in, coupons, Stripe webhook.

``POST /orders`` needs an ``Idempotency-Key`` header (1-100 printable characters); without
one it is a 422 naming the header, because a retried request without a key could hold a
second set of seats.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from chalice import Blueprint
from chalice.app import Request
from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from chalicelib.accounts.roles import Role
from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Reply, route
from chalicelib.booking import coupons, service, settlement
from chalicelib.boxoffice import checkins
from chalicelib.boxoffice.schemas import StaffTicketOut
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import Page, PageQuery
from chalicelib.core.schema import Schema

bp = Blueprint(__name__)
TAGS = ("booking",)
SEAT_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class OrderRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    showtime_id: str = Field(min_length=1, max_length=64)
    seat_ids: list[str] = Field(min_length=1, max_length=50)
    coupon_id: str | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("seat_ids")
    @classmethod
    def _seat_ids(cls, value: list[str]) -> list[str]:
        for seat_id in value:
            if not SEAT_ID.match(seat_id):
                raise ValueError(f"{seat_id!r} is not a seat id")
        return value


class QuoteOut(Schema):
    lines: list[dict[str, Any]]
    subtotal: int
    discount: int
    total: int
    currency: str
    coupon_id: str | None
    coupon_problem: str | None


class PaymentOut(Schema):
    client_secret: str
    payment_intent_id: str


class PlacedOrder(Schema):
    order: dict[str, Any]
    payment: PaymentOut | None


class CheckinRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=512)


class CouponRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    kind: Literal["fixed", "threshold", "percent"]
    amount_off: int = Field(default=0, ge=0)
    min_subtotal: int = Field(default=0, ge=0)
    percent_off: int = Field(default=0, ge=0, le=99)
    movie_id: str | None = Field(default=None, min_length=1, max_length=64)
    currency: str = Field(default="cny", pattern=r"^[A-Za-z]{3}$")
    valid_from: datetime
    valid_until: datetime
    user_ids: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=1000
    )

    @model_validator(mode="after")
    def _consistent(self) -> CouponRequest:
        if self.valid_from.tzinfo is None or self.valid_until.tzinfo is None:
            raise ValueError("valid_from and valid_until need a time zone (e.g. Z)")
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        if self.kind == "percent" and not 1 <= self.percent_off <= 99:
            raise ValueError("a percent coupon takes percent_off between 1 and 99")
        if self.kind != "percent" and self.amount_off <= 0:
            raise ValueError(f"a {self.kind} coupon takes a positive amount_off")
        if self.kind == "threshold" and self.min_subtotal <= 0:
            raise ValueError("a threshold coupon takes a positive min_subtotal")
        return self


class MyCouponsQuery(PageQuery):
    showtime_id: str | None = Field(default=None, min_length=1, max_length=64)
    seat_ids: str | None = Field(default=None, max_length=400)  # comma-separated
    subtotal: int | None = Field(default=None, ge=0)


@route(bp, "/showtimes/{showtime_id}/seats", tags=TAGS)
def seat_map(showtime_id: str) -> dict[str, Any]:
    """Seat map: rows of cells (``null`` = aisle) with seat_id, type, status and price."""
    return service.seat_map(showtime_id)


@route(
    bp,
    "/orders/quote",
    methods=("POST",),
    body=OrderRequest,
    response=QuoteOut,
    auth=Role.USER,
    tags=TAGS,
)
def quote_order(body: OrderRequest, principal: Principal) -> dict[str, Any]:
    """Price seats and a coupon exactly as an order would, holding nothing."""
    return service.get_quote(principal.user_id, body.showtime_id, body.seat_ids, body.coupon_id)


@route(
    bp,
    "/orders",
    methods=("POST",),
    body=OrderRequest,
    response=PlacedOrder,
    status=201,
    auth=Role.USER,
    tags=TAGS,
)
def place_order(body: OrderRequest, principal: Principal, request: Request) -> Reply:
    """Hold the seats and create the order; answers the PaymentIntent's client secret.

    Requires an ``Idempotency-Key`` header (1-100 characters; missing: 422). The same key
    with the same body answers the first order again; with another body it is a 422."""
    key = (request.headers.get("idempotency-key") or "").strip()
    if not key or len(key) > 100 or not key.isprintable():
        raise ValidationFailed.single("Idempotency-Key", "send a header of 1-100 characters")
    placed = service.place_order_once(
        principal.user_id, key, body.model_dump(mode="json"), bp.current_app.lambda_context
    )
    return Reply(placed, status=201, headers={"Location": f"/orders/{placed['order']['order_id']}"})


@route(bp, "/orders", query=PageQuery, response=Page[dict[str, Any]], auth=Role.USER, tags=TAGS)
def list_orders(query: PageQuery, principal: Principal) -> Any:
    """My orders, newest first."""
    return service.list_orders(principal.user_id, query)


@route(bp, "/orders/{order_id}", auth=Role.USER, tags=TAGS)
def get_order(order_id: str, principal: Principal) -> dict[str, Any]:
    """One order: the owner's, or any order for staff."""
    from chalicelib.booking import orders

    return orders.public(service.visible_order(order_id, principal))


@route(bp, "/orders/{order_id}/cancel", methods=("POST",), auth=Role.USER, tags=TAGS)
def cancel_order(order_id: str, principal: Principal) -> dict[str, Any]:
    """Cancel: pending any time; paid until the cancel deadline before the show (refunded)."""
    return service.cancel_order(order_id, principal)


@route(bp, "/orders/{order_id}/tickets", auth=Role.USER, tags=TAGS)
def order_tickets(order_id: str, principal: Principal) -> list[dict[str, Any]]:
    """The tickets of a paid order, one per seat, each with its signed code."""
    return service.order_tickets(order_id, principal)


@route(
    bp,
    "/checkin",
    methods=("POST",),
    body=CheckinRequest,
    response=StaffTicketOut,
    auth=Role.USER,
    tags=TAGS,
)
def check_in(body: CheckinRequest, principal: Principal) -> StaffTicketOut:
    """Let a ticket in (once), for staff of its cinema: 400 forged code, 403
    ``other-cinema``, 409 ``ticket-used`` / ``ticket-void`` / ``show-over`` /
    ``showtime-cancelled``."""
    return checkins.check_in(body.code, principal)


@route(
    bp,
    "/payments/stripe/webhook",
    methods=("POST",),
    tags=TAGS,
    content_types=("application/json", "application/json; charset=utf-8"),
    rate_limited=False,  # its signature authenticates it; Stripe sends from a few IPs
)
def stripe_webhook(request: Request) -> dict[str, Any]:
    """Signed Stripe events; the signature covers the raw body, so it is read unparsed."""
    raw = request.raw_body or b""
    payload = raw.encode() if isinstance(raw, str) else raw
    return settlement.handle_stripe_event(payload, request.headers.get("stripe-signature"))


@route(
    bp, "/coupons", methods=("POST",), body=CouponRequest, status=201, auth=Role.STAFF, tags=TAGS
)
def create_coupon(body: CouponRequest, principal: Principal) -> dict[str, Any]:
    """Create a coupon and issue it to ``user_ids``."""
    fields = body.model_dump(exclude={"user_ids"})
    return coupons.create_coupon(**fields, created_by=principal.user_id, user_ids=body.user_ids)


@route(
    bp,
    "/me/coupons",
    query=MyCouponsQuery,
    response=Page[dict[str, Any]],
    auth=Role.USER,
    tags=TAGS,
)
def my_coupons(query: MyCouponsQuery, principal: Principal) -> Any:
    """My usable coupons; with ``showtime_id`` + ``seat_ids`` (or ``subtotal``) each says
    whether it applies and what it takes off."""
    subtotal, movie_id, currency = query.subtotal, None, None
    if query.showtime_id:
        seat_ids = [s for s in (query.seat_ids or "").split(",") if s]
        movie_id, currency, priced = service.order_context(query.showtime_id, seat_ids)
        subtotal = priced if priced is not None else subtotal
    page = PageQuery(limit=query.limit, cursor=query.cursor)
    return coupons.my_coupons(principal.user_id, page, subtotal, movie_id, currency)
