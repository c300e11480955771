"""What selling accepts and answers: request models, response models (``*Out``) and the
one function per answer that builds it (``*_out``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from chalicelib.catalog.schemas import SeatType
from chalicelib.core.clock import Timestamp
from chalicelib.core.ids import ID_PATTERN, Id
from chalicelib.core.schema import Schema
from chalicelib.selling.ticket_rules import TicketTypeName

if TYPE_CHECKING:
    from chalicelib.selling.models import Voucher, WaitlistEntry

ScopeName = Literal["all", "movie", "cinema", "showtime"]
PriceModeName = Literal["amount_off", "percent_off", "set_price"]
#: most codes one batch makes (each is one conditional write)
MAX_BATCH = 500


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class VoucherRequest(Body):
    """One voucher (``code``, or a random one), or ``count`` random codes as a batch."""

    code: str | None = Field(
        default=None, pattern=ID_PATTERN, description="The code; stored in upper case."
    )
    count: int | None = Field(
        default=None, ge=1, le=MAX_BATCH, description="Make a batch of this many random codes."
    )
    max_usages: int = Field(ge=1, le=1_000_000, description="Redemptions in all.")
    max_usages_per_user: int = Field(default=1, ge=1, le=1_000_000)
    valid_from: AwareDatetime
    valid_until: AwareDatetime = Field(description="After valid_from.")
    scope: ScopeName = "all"
    scope_id: Id | None = Field(default=None, description="The movie, cinema or showtime.")
    price_mode: PriceModeName
    value: int = Field(
        ge=0,
        le=100_000_000,
        description="amount_off: minor units off each seat; percent_off: 1-100 percent off "
        "the order; set_price: the most each seat costs.",
    )
    currency: str = Field(default="cny", pattern=r"^[A-Za-z]{3}$")

    @model_validator(mode="after")
    def _consistent(self) -> VoucherRequest:
        if self.code is not None and self.count is not None:
            raise ValueError("send a code or a count, not both")
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        if (self.scope == "all") != (self.scope_id is None):
            raise ValueError("scope_id names the movie, cinema or showtime (and only then)")
        if self.price_mode == "percent_off" and not 1 <= self.value <= 100:
            raise ValueError("percent_off takes a value between 1 and 100")
        if self.price_mode == "amount_off" and self.value < 1:
            raise ValueError("amount_off takes a positive value")
        return self


class VoucherTermsOut(Schema):
    """What a code gives (what any user may see of it)."""

    code: str
    valid_from: Timestamp
    valid_until: Timestamp
    scope: ScopeName
    scope_id: str | None
    price_mode: PriceModeName
    value: int
    currency: str


class VoucherOut(VoucherTermsOut):
    """A voucher as staff see it: its limits and redemptions too."""

    max_usages: int
    max_usages_per_user: int
    used: int = Field(description="Redemptions by orders not cancelled, expired or refunded.")
    batch_id: str | None


class VouchersCreated(Schema):
    batch_id: str | None = Field(description="GET /vouchers/batches/{batch_id}: the CSV.")
    vouchers: list[VoucherOut]


class VoucherCheckOut(VoucherTermsOut):
    """What a code gives, and whether the caller can still redeem it (its scope is checked
    on the order)."""

    usable: bool
    problem: str | None = Field(description="Why you cannot redeem it now.")


class TicketPricesRequest(Body):
    prices: dict[Literal["child", "student", "senior"], dict[SeatType, int]] = Field(
        description="Ticket type -> seat type -> minor units (0 or more), for every seat type "
        "of the showtime. Adult prices are the showtime's own; types left out are not sold."
    )


class TicketPricesOut(Schema):
    showtime_id: str
    currency: str
    ticket_types: list[TicketTypeName]
    prices: dict[TicketTypeName, dict[SeatType, int]] = Field(
        description="Ticket type -> seat type -> price."
    )


def voucher_out(voucher: Voucher) -> VoucherOut:
    return VoucherOut(
        code=voucher.code,
        max_usages=int(voucher.max_usages),
        max_usages_per_user=int(voucher.max_usages_per_user),
        used=int(voucher.used),
        valid_from=voucher.valid_from,
        valid_until=voucher.valid_until,
        scope=voucher.scope,  # type: ignore[arg-type]
        scope_id=voucher.scope_id,
        price_mode=voucher.price_mode,  # type: ignore[arg-type]
        value=int(voucher.value),
        currency=voucher.currency,
        batch_id=voucher.batch_id,
    )


def voucher_check_out(voucher: Voucher, problem: str | None) -> VoucherCheckOut:
    terms = voucher_out(voucher).model_dump(include=set(VoucherTermsOut.model_fields))
    return VoucherCheckOut(**terms, usable=problem is None, problem=problem)


def ticket_prices_out(
    showtime_id: str, currency: str, table: dict[str, dict[str, int]]
) -> TicketPricesOut:
    return TicketPricesOut(
        showtime_id=showtime_id,
        currency=currency,
        ticket_types=list(table),  # type: ignore[arg-type]  # keys from TICKET_TYPES
        prices=table,  # type: ignore[arg-type]
    )


# --- waiting lists ----------------------------------------------------------------------


class WaitlistRequest(Body):
    seats: int = Field(ge=1, le=6, description="How many seats you want (at most one order's).")


class WaitlistOfferOut(Schema):
    """Seats held for you alone until ``expires_at``: order them with ``token`` as
    ``waitlist_offer`` and exactly these ``seat_ids``."""

    seat_ids: list[str]
    expires_at: Timestamp
    token: str


class WaitlistEntryOut(Schema):
    showtime_id: str
    seats: int
    status: Literal["waiting", "offered", "accepted", "lapsed"]
    joined_at: Timestamp
    offer: WaitlistOfferOut | None = Field(description="The live offer, while there is one.")
    order_id: str | None = Field(description="The order that took the offer.")


def waitlist_entry_out(entry: WaitlistEntry, token: str | None) -> WaitlistEntryOut:
    offer = None
    if token is not None and entry.offer_expires_at is not None:
        offer = WaitlistOfferOut(
            seat_ids=[str(s) for s in entry.offer_seat_ids or []],
            expires_at=datetime.fromtimestamp(int(entry.offer_expires_at), tz=UTC),
            token=token,
        )
    return WaitlistEntryOut(
        showtime_id=entry.showtime_id,
        seats=int(entry.seats),
        status=entry.status,  # type: ignore[arg-type]  # written from EntryStatus only
        joined_at=entry.joined_at,
        offer=offer,
        order_id=entry.order_id,
    )
