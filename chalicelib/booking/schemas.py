"""What booking accepts and answers: request models, response models (``*Out``), the one
function per answer that builds it (``*_out``), and booking's own problems with their
extension members (``unavailable_seats``, ``stranded_seats``...)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, RootModel, model_validator

from chalicelib.booking.catalogue import SeatType
from chalicelib.booking.rules import OrderStatus, Quote
from chalicelib.core import clock
from chalicelib.core.clock import Timestamp
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import Id
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schema import Schema
from chalicelib.selling.ticket_rules import ADULT, TicketTypeName

if TYPE_CHECKING:
    from chalicelib.booking.models import Coupon, Order, Ticket

SEAT_ID_PATTERN = r"^[A-Za-z0-9_-]{1,16}$"
SeatId = Annotated[str, Field(pattern=SEAT_ID_PATTERN)]
SeatStatusName = Literal["available", "held", "sold", "blocked"]
OrderStatusName = Literal["pending_payment", "paid", "refunded", "used", "cancelled", "expired"]
TicketStatusName = Literal["valid", "used"]
CouponKindName = Literal["fixed", "threshold", "percent"]
#: an Idempotency-Key: 1-100 visible ASCII characters, spaces inside only
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,98}[!-~])?$"


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


# --- requests --------------------------------------------------------------------------


class OrderRequest(Body):
    showtime_id: Id
    seat_ids: list[SeatId] = Field(
        min_length=1,
        max_length=50,
        description="Distinct seats of the showtime (at most 6).",
        json_schema_extra={"uniqueItems": True},  # the rules refuse a seat listed twice
    )
    coupon_id: Id | None = Field(default=None, description="A coupon issued to you.")
    voucher_code: Id | None = Field(
        default=None, description="A voucher code (not with a coupon; any letter case)."
    )
    ticket_types: dict[SeatId, TicketTypeName] | None = Field(
        default=None, max_length=50, description="Seat id -> ticket type; unnamed seats: adult."
    )
    waitlist_offer: str | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        description="The token of your waiting-list offer (its e-mail's link, or "
        "GET /me/waitlist): the order takes exactly the offered seats.",
    )


class OrderHeaders(Schema):
    idempotency_key: str = Field(
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Names this order: a retry with the same key and body answers the same "
        "order; another body with it is a 422.",
    )


class CheckinRequest(Body):
    code: str = Field(min_length=1, max_length=512, description="A ticket's code.")


class WebhookHeaders(Schema):
    stripe_signature: str = Field(
        alias="Stripe-Signature",
        min_length=1,
        max_length=4096,
        description="Stripe's signature of the raw body (400 when it does not verify).",
    )


VALIDITY_RULE = "valid_until is after valid_from."


class CouponFields(Body):
    name: str = Field(min_length=1, max_length=100)
    movie_id: Id | None = Field(default=None, description="Only for this movie; none: any.")
    valid_from: AwareDatetime
    valid_until: AwareDatetime = Field(description=VALIDITY_RULE)
    user_ids: list[Id] = Field(
        default_factory=list, max_length=1000, description="Users to issue it to (must exist)."
    )


class FixedCoupon(CouponFields):
    kind: Literal["fixed"]
    amount_off: int = Field(ge=1, le=100_000_000, description="Minor units off.")
    currency: str = Field(default="cny", pattern=r"^[A-Za-z]{3}$")


class ThresholdCoupon(CouponFields):
    kind: Literal["threshold"]
    amount_off: int = Field(ge=1, le=100_000_000, description="Minor units off...")
    min_subtotal: int = Field(ge=1, le=100_000_000, description="...from this subtotal on.")
    currency: str = Field(default="cny", pattern=r"^[A-Za-z]{3}$")


class PercentCoupon(CouponFields):
    kind: Literal["percent"]
    percent_off: int = Field(ge=1, le=99)


class CouponRequest(
    RootModel[Annotated[FixedCoupon | ThresholdCoupon | PercentCoupon, Field(discriminator="kind")]]
):
    """A coupon of one kind, valid in a window, issued to some users."""

    model_config = ConfigDict(defer_build=True)

    @model_validator(mode="after")
    def _window(self) -> CouponRequest:
        if self.root.valid_until <= self.root.valid_from:
            raise ValueError(VALIDITY_RULE)
        return self

    def fields(self) -> dict[str, Any]:
        """The coupon's terms (everything but who it is issued to)."""
        return self.root.model_dump(exclude={"user_ids"})


class MyCouponsQuery(PageQuery):
    showtime_id: Id | None = Field(default=None, description="Price against this showtime...")
    seat_ids: str | None = Field(
        default=None,
        max_length=400,
        pattern=r"^[A-Za-z0-9_,-]*$",
        description="...and these seats (comma-separated).",
    )
    subtotal: int | None = Field(default=None, ge=0, description="Or against this subtotal.")


# --- answers ---------------------------------------------------------------------------


class SeatOut(Schema):
    seat_id: str
    type: SeatType
    status: SeatStatusName
    price: int = Field(description="Minor units.")


class SeatRowOut(Schema):
    row: str
    cells: list[SeatOut | None] = Field(description="In hall order; null: an aisle gap.")


class SeatMapOut(Schema):
    showtime_id: str
    rows: list[SeatRowOut]


class PriceLineOut(Schema):
    seat_id: str
    seat_type: SeatType
    ticket_type: TicketTypeName
    price: int


class QuoteOut(Schema):
    lines: list[PriceLineOut]
    subtotal: int
    discount: int
    total: int
    currency: str
    coupon_id: str | None
    coupon_problem: str | None = Field(description="Why the coupon would not apply.")
    voucher_code: str | None
    voucher_problem: str | None = Field(description="Why the voucher would not apply.")


class OrderOut(Schema):
    order_id: str
    number: str
    user_id: str
    showtime_id: str
    movie_id: str
    starts_at: Timestamp
    seat_ids: list[str]
    lines: list[PriceLineOut]
    coupon_id: str | None
    voucher_code: str | None
    subtotal: int
    discount: int
    total: int
    currency: str
    status: OrderStatusName
    status_reason: str | None
    payment_intent_id: str | None
    hold_expired: bool = Field(
        description="Pending past its hold: the seats are free again, payment may be refused."
    )
    hold_expires_at: Timestamp
    created_at: Timestamp
    updated_at: Timestamp


class PaymentOut(Schema):
    client_secret: str
    payment_intent_id: str


class PlacedOrder(Schema):
    order: OrderOut
    payment: PaymentOut | None = Field(description="Null when there is nothing to pay.")


class TicketOut(Schema):
    ticket_id: str
    order_id: str
    seat_id: str
    showtime_id: str
    ticket_type: TicketTypeName = Field(description="Shown at check-in (a student card...).")
    code: str = Field(description="Signed; shown as a QR code at the door.")
    status: TicketStatusName
    used_at: Timestamp | None


class WebhookAck(Schema):
    received: Literal[True] = True
    duplicate: bool


class CouponOut(Schema):
    coupon_id: str
    name: str
    kind: CouponKindName
    amount_off: int
    min_subtotal: int
    percent_off: int
    movie_id: str | None
    currency: str
    valid_from: Timestamp
    valid_until: Timestamp


class IssuedCouponOut(CouponOut):
    issued_to: int = Field(description="Users it was newly issued to.")


class MyCouponOut(CouponOut):
    status: Literal["unused"]
    eligible: bool
    reason: str | None = Field(description="Why it does not apply.")
    discount: int | None = Field(
        default=None, description="What it takes off (with an order to price against)."
    )


# --- problems --------------------------------------------------------------------------


class TakenSeats(Schema):
    unavailable_seats: list[str]


class SeatsUnavailable(Conflict):
    """Some of the chosen seats are held or sold by someone else."""

    slug, title = "seats-unavailable", "Seats Unavailable"
    members = TakenSeats

    def __init__(self, seat_ids: list[str]) -> None:
        super().__init__(
            "Some seats are no longer available.", extra={"unavailable_seats": seat_ids}
        )


class LonelySeats(Schema):
    stranded_seats: list[str]


class StrandedSeats(Conflict):
    """The choice would leave a single free seat stranded in the row."""

    slug, title = "stranded-seats", "Stranded Seats"
    members = LonelySeats

    def __init__(self, seat_ids: list[str]) -> None:
        super().__init__(
            "This choice would leave a single seat stranded in the row.",
            extra={"stranded_seats": seat_ids},
        )


class CurrentStatus(Schema):
    order_status: OrderStatusName


class OrderInState(Conflict):
    """The order's status does not allow this (its status is named)."""

    slug, title = "order-status", "Order Status"
    members = CurrentStatus

    def __init__(self, status: str, detail: str | None = None) -> None:
        super().__init__(detail or f"The order is {status}.", extra={"order_status": status})


# --- from items to answers -------------------------------------------------------------


def price_lines_out(lines: Any) -> list[PriceLineOut]:
    return [
        PriceLineOut(
            seat_id=line.seat_id,
            seat_type=line.seat_type,
            ticket_type=line.ticket_type or ADULT,  # type: ignore[arg-type]  # a TicketTypeName
            price=int(line.price),
        )
        for line in lines
    ]


def quote_out(priced: Quote) -> QuoteOut:
    return QuoteOut(
        lines=price_lines_out(priced.lines),
        subtotal=priced.subtotal,
        discount=priced.discount,
        total=priced.total,
        currency=priced.currency,
        coupon_id=priced.coupon_id,
        coupon_problem=priced.coupon_problem,
        voucher_code=priced.voucher_code,
        voucher_problem=priced.voucher_problem,
    )


def order_out(order: Order) -> OrderOut:
    hold_expires_at = int(order.hold_expires_at)
    return OrderOut(
        order_id=order.order_id,
        number=order.number,
        user_id=order.user_id,
        showtime_id=order.showtime_id,
        movie_id=order.movie_id,
        starts_at=order.starts_at,
        seat_ids=[str(seat_id) for seat_id in order.seat_ids],
        lines=price_lines_out(order.lines),
        coupon_id=order.coupon_id,
        voucher_code=order.voucher_code,
        subtotal=int(order.subtotal),
        discount=int(order.discount),
        total=int(order.total),
        currency=order.currency,
        status=order.status,  # type: ignore[arg-type]  # written from OrderStatus only
        status_reason=order.status_reason,
        payment_intent_id=order.payment_intent_id,
        hold_expired=order.status == OrderStatus.PENDING_PAYMENT
        and hold_expires_at < clock.epoch_seconds(),
        hold_expires_at=datetime.fromtimestamp(hold_expires_at, tz=UTC),
        created_at=order.created_at,
        updated_at=order.updated_at,
    )


def ticket_out(ticket: Ticket, code: str) -> TicketOut:
    return TicketOut(
        ticket_id=f"{ticket.order_id}-{ticket.seat_id}",
        order_id=ticket.order_id,
        seat_id=ticket.seat_id,
        showtime_id=ticket.showtime_id,
        ticket_type=ticket.ticket_type or ADULT,  # type: ignore[arg-type]  # from TicketTypeName
        code=code,
        status=ticket.status,  # type: ignore[arg-type]  # written from TicketStatus only
        used_at=ticket.used_at,
    )


def coupon_out(coupon: Coupon) -> CouponOut:
    return CouponOut(
        coupon_id=coupon.coupon_id,
        name=coupon.name,
        kind=coupon.kind,  # type: ignore[arg-type]  # written from CouponKindName only
        amount_off=int(coupon.amount_off),
        min_subtotal=int(coupon.min_subtotal),
        percent_off=int(coupon.percent_off),
        movie_id=coupon.movie_id,
        currency=coupon.currency,
        valid_from=coupon.valid_from,
        valid_until=coupon.valid_until,
    )
