"""The box office's request and response models: every route answers a named model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.booking.models import Order, Ticket
from chalicelib.booking.schemas import OrderStatusName, PriceLineOut, SeatId, price_lines_out
from chalicelib.booking.tickets import ticket_code
from chalicelib.boxoffice.counters import Tally
from chalicelib.boxoffice.rules import PaidBy, ticket_id
from chalicelib.core import clock
from chalicelib.core.clock import Timestamp
from chalicelib.core.ids import Id
from chalicelib.core.schema import Day, Schema
from chalicelib.selling.ticket_rules import ADULT, TicketTypeName


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


# --- problems' members ----------------------------------------------------------------


class TicketState(Schema):
    ticket_status: Literal["valid", "used", "void"]


class CheckedIn(Schema):
    used_at: Timestamp | None
    checked_in_by: str | None


Reason = Field(min_length=1, max_length=500)
SeatIds = Field(min_length=1, max_length=90)


# --- tickets and check-in -------------------------------------------------------------


class StaffTicketOut(Schema):
    ticket_id: str
    order_id: str
    seat_id: str
    showtime_id: str
    ticket_type: TicketTypeName = Field(description="A student or senior: ask for the card.")
    code: str
    status: Literal["valid", "used", "void"]
    used_at: Timestamp | None
    checked_in_by: str | None


def staff_ticket(ticket: Ticket) -> StaffTicketOut:
    return StaffTicketOut(
        ticket_id=ticket_id(ticket.order_id, ticket.seat_id),
        order_id=ticket.order_id,
        seat_id=ticket.seat_id,
        showtime_id=ticket.showtime_id,
        ticket_type=ticket.ticket_type or ADULT,  # type: ignore[arg-type]  # a TicketTypeName
        code=ticket_code(ticket.order_id, ticket.seat_id, ticket.showtime_id),
        status=ticket.status,  # type: ignore[arg-type]
        used_at=ticket.used_at,
        checked_in_by=ticket.checked_in_by,
    )


class CheckinCounts(Schema):
    sold: int
    checked_in: int
    remaining: int


class CheckinList(Schema):
    showtime_id: str
    counts: CheckinCounts
    tickets: list[StaffTicketOut]


# --- orders ---------------------------------------------------------------------------


class StaffOrderOut(Schema):
    order_id: str
    number: str
    user_id: str
    showtime_id: str
    cinema_id: str
    movie_id: str
    starts_at: Timestamp
    seat_ids: list[str]
    lines: list[PriceLineOut]
    subtotal: int
    discount: int
    total: int
    refunded_amount: int
    currency: str
    status: OrderStatusName
    status_reason: str | None
    channel: Literal["online", "counter"]
    paid_by: str | None  # cash | terminal for a counter sale
    sold_by: str | None
    payment_intent_id: str | None
    created_at: Timestamp
    updated_at: Timestamp


def staff_order(order: Order, cinema_id: str) -> StaffOrderOut:
    return StaffOrderOut(
        order_id=order.order_id,
        number=order.number,
        user_id=order.user_id,
        showtime_id=order.showtime_id,
        cinema_id=cinema_id,
        movie_id=order.movie_id,
        starts_at=order.starts_at,
        seat_ids=[str(s) for s in order.seat_ids],
        lines=price_lines_out(order.lines),
        subtotal=int(order.subtotal),
        discount=int(order.discount),
        total=int(order.total),
        refunded_amount=int(order.refunded_amount or 0),
        currency=order.currency,
        status=order.status,  # type: ignore[arg-type]  # written from OrderStatus only
        status_reason=order.status_reason,
        channel="counter" if order.paid_by else "online",
        paid_by=order.paid_by,
        sold_by=order.sold_by,
        payment_intent_id=order.payment_intent_id,
        created_at=order.created_at,
        updated_at=order.updated_at,
    )


class LookupQuery(Body):
    """Exactly one of ``number``, ``email``, ``ticket_code``."""

    number: str | None = Field(default=None, pattern=r"^[0-9]{20}$")
    email: str | None = Field(default=None, min_length=3, max_length=254)
    ticket_code: str | None = Field(default=None, min_length=1, max_length=512)

    @model_validator(mode="after")
    def one_key(self) -> LookupQuery:
        given = [n for n in ("number", "email", "ticket_code") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("give exactly one of number, email, ticket_code")
        return self


class OrderList(Schema):
    items: list[StaffOrderOut]


class HistoryEntry(Schema):
    """One thing that happened to the order's money or tickets, oldest first."""

    at: Timestamp
    kind: Literal[
        "created", "paid", "paid_at_counter", "refund", "checked_in", "cancelled", "expired"
    ]
    amount: int | None = None
    detail: str | None = None
    reference: str | None = None  # the Stripe PaymentIntent or Refund id


class OrderDetail(Schema):
    order: StaffOrderOut
    tickets: list[StaffTicketOut]
    history: list[HistoryEntry]


# --- refunds --------------------------------------------------------------------------


class RefundRequest(Body):
    reason: str = Reason
    # single tickets (``<order id>-<seat id>``); omitted: the whole order
    ticket_ids: list[str] | None = Field(default=None, min_length=1, max_length=90)


class RefundOut(Schema):
    order: StaffOrderOut
    refunded: int  # what this request paid back
    refund_id: str | None  # Stripe's; None for a counter sale (paid back at the counter)
    voided_tickets: list[str]


# --- blocked seats --------------------------------------------------------------------


class BlockRequest(Body):
    seat_ids: list[str] = SeatIds
    reason: str = Reason


class UnblockRequest(Body):
    seat_ids: list[str] = SeatIds


class BlockOut(Schema):
    showtime_id: str
    changed: list[str]
    unchanged: list[str]


class HallBlockOut(Schema):
    """Each future showtime of the hall, blocked (``changed``/``unchanged``) or refused
    (``refused_seats``: held or sold there)."""

    showtimes: list[HallShowtimeBlock]


class HallShowtimeBlock(Schema):
    showtime_id: str
    changed: list[str] = []
    unchanged: list[str] = []
    refused_seats: list[str] = []


# --- counter sales --------------------------------------------------------------------


class CounterSaleRequest(Body):
    seat_ids: list[str] = Field(min_length=1, max_length=20)
    paid_by: PaidBy
    ticket_types: dict[SeatId, TicketTypeName] | None = Field(
        default=None, max_length=20, description="Seat id -> ticket type; unnamed seats: adult."
    )


class CounterSaleOut(Schema):
    order: StaffOrderOut
    tickets: list[StaffTicketOut]


# --- reports --------------------------------------------------------------------------


class Figures(Schema):
    capacity: int
    free: int
    held: int
    sold: int
    blocked: int
    checked_in: int
    orders: int
    gross: int
    discounts: int
    refunds: int
    refunded_seats: int
    net: int
    counter_cash: int
    counter_terminal: int


def figures(tally: Tally) -> Figures:
    return Figures(
        capacity=tally.capacity,
        free=tally.free,
        held=tally.held,
        sold=tally.sold,
        blocked=tally.blocked,
        checked_in=tally.checked_in,
        orders=tally.orders,
        gross=tally.gross,
        discounts=tally.discounts,
        refunds=tally.refunds,
        refunded_seats=tally.refunded_seats,
        net=tally.net,
        counter_cash=tally.counter_cash,
        counter_terminal=tally.counter_terminal,
    )


class ShowtimeReport(Schema):
    showtime_id: str
    cinema_id: str
    starts_at: Timestamp
    currency: str
    cancelled: bool
    figures: Figures


class DayReport(Schema):
    day: Day
    figures: Figures


class CinemaReport(Schema):
    cinema_id: str
    first_day: Day
    last_day: Day
    total: Figures
    days: list[DayReport]


class RangeQuery(Body):
    from_: Day = Field(alias="from")
    to: Day


# --- exports --------------------------------------------------------------------------


class ExportRequest(Body):
    cinema_id: Id
    from_: Day = Field(alias="from")
    to: Day
    kind: Literal["orders", "tickets"]


class ExportOut(Schema):
    export_id: str
    cinema_id: str
    kind: str
    first_day: Day
    last_day: Day
    status: Literal["queued", "running", "done", "failed"]
    showtimes_total: int
    showtimes_done: int
    rows: int
    url: str | None  # presigned, once done
    url_expires_at: Timestamp | None
    created_at: Timestamp


# --- cancellation ---------------------------------------------------------------------


class CancelRequest(Body):
    reason: str = Reason


class CancellationOut(Schema):
    showtime_id: str
    reason: str
    cancelled_at: Timestamp
    cancelled_by: str
    status: Literal["running", "done"]
    orders_total: int
    orders_done: int
    refunded: int
    cancelled_pending: int


def utc(epoch: int) -> str:
    return clock.isoformat(datetime.fromtimestamp(epoch, tz=UTC))
