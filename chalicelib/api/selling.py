"""Selling routes: voucher codes (create one or a batch, export a batch as CSV, check one),
a showtime's ticket-type prices and its waiting list."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Reply, route
from chalicelib.boxoffice import staff
from chalicelib.boxoffice.staff import NotStaff, OtherCinema
from chalicelib.core import clock
from chalicelib.core.errors import Conflict, NotFound, UnknownReference
from chalicelib.core.roles import Role
from chalicelib.selling import ticket_types, vouchers, waitlist
from chalicelib.selling.schemas import (
    TicketPricesOut,
    TicketPricesRequest,
    VoucherCheckOut,
    VoucherRequest,
    VouchersCreated,
    WaitlistEntryOut,
    WaitlistRequest,
    ticket_prices_out,
    voucher_check_out,
    voucher_out,
    waitlist_entry_out,
)
from chalicelib.selling.waitlist import AlreadyWaiting, NotSoldOut

bp = Blueprint(__name__)
TAGS = ("selling",)


@route(
    bp,
    "/vouchers",
    methods=("POST",),
    body=VoucherRequest,
    response=VouchersCreated,
    status=201,
    auth=Role.STAFF,
    errors=(Conflict, UnknownReference),
    tags=TAGS,
)
def create_vouchers(body: VoucherRequest, principal: Principal) -> Reply:
    """Create a voucher code (``code``, or a random one), or ``count`` random codes as one
    batch, whose CSV is at ``Location``. 409 when the chosen code exists; 404 when the
    scope names no such movie, cinema or showtime."""
    spec = vouchers.VoucherSpec(**body.model_dump(exclude={"code", "count"}))
    if body.count is None:
        made = vouchers.create_voucher(body.code or vouchers.random_code(), spec, principal.user_id)
        return Reply(VouchersCreated(batch_id=None, vouchers=[voucher_out(made)]))
    batch_id, batch = vouchers.create_batch(body.count, spec, principal.user_id)
    created = VouchersCreated(batch_id=batch_id, vouchers=[voucher_out(v) for v in batch])
    return Reply(created, headers={"Location": f"/vouchers/batches/{batch_id}"})


@route(
    bp,
    "/vouchers/batches/{batch_id}",
    response=str,
    media_type="text/csv",
    auth=Role.STAFF,
    errors=(NotFound,),
    tags=TAGS,
)
def voucher_batch_csv(batch_id: str) -> Response:
    """A batch's codes as CSV: code, limits and validity, one per line."""
    return Response(
        body=vouchers.batch_csv(batch_id),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="vouchers-{batch_id}.csv"',
        },
    )


@route(
    bp,
    "/vouchers/{code}",
    response=VoucherCheckOut,
    auth=Role.USER,
    errors=(NotFound,),
    tags=TAGS,
)
def check_voucher(code: str, principal: Principal) -> VoucherCheckOut:
    """What a code gives and whether you can still redeem it (its scope is checked on the
    order)."""
    voucher = vouchers.find(code)
    if voucher is None:
        raise NotFound("No such voucher code.")
    return voucher_check_out(voucher, vouchers.usability(voucher, principal.user_id, clock.now()))


@route(
    bp,
    "/showtimes/{showtime_id}/prices",
    methods=("PUT",),
    body=TicketPricesRequest,
    response=TicketPricesOut,
    auth=Role.USER,  # then the live staff check of the showtime's cinema
    errors=(NotStaff, OtherCinema, NotFound, Conflict),
    tags=TAGS,
)
def set_ticket_prices(
    showtime_id: str, body: TicketPricesRequest, principal: Principal
) -> TicketPricesOut:
    """Set the seat type x ticket type price table (child, student, senior; adult is the
    showtime's own seat prices), for staff of the showtime's cinema. Orders name a type per
    seat in ``ticket_types``."""
    showtime = ticket_types.showtime(showtime_id)
    staff.at_cinema(principal, showtime.cinema_id)
    table = {str(k): {str(s): p for s, p in v.items()} for k, v in body.prices.items()}
    showtime = ticket_types.set_ticket_prices(showtime, table)
    return ticket_prices_out(
        showtime.showtime_id, showtime.currency, ticket_types.price_table(showtime)
    )


@route(
    bp,
    "/showtimes/{showtime_id}/waitlist",
    methods=("POST",),
    body=WaitlistRequest,
    response=WaitlistEntryOut,
    status=201,
    auth=Role.USER,
    errors=(NotFound, NotSoldOut, AlreadyWaiting, Conflict),
    tags=TAGS,
)
def join_waitlist(showtime_id: str, body: WaitlistRequest, principal: Principal) -> Reply:
    """Join a sold-out showtime's waiting list for ``seats`` seats (one entry per user).
    When seats free up, entries are served in the order they joined: an offer holds the
    seats for you alone for 15 minutes and is e-mailed with its link. 409 ``not-sold-out``
    while seats are on sale, ``already-waiting`` on a second join."""
    entry = waitlist.join(showtime_id, principal.user_id, body.seats)
    return Reply(
        waitlist_entry_out(entry, waitlist.offer_token(entry)),
        headers={"Location": "/me/waitlist"},
    )


@route(
    bp,
    "/showtimes/{showtime_id}/waitlist",
    methods=("DELETE",),
    status=204,
    auth=Role.USER,
    errors=(NotFound, Conflict),
    tags=TAGS,
)
def leave_waitlist(showtime_id: str, principal: Principal) -> None:
    """Leave the list; seats offered to you go to the next entries."""
    waitlist.leave(showtime_id, principal.user_id)


@route(bp, "/me/waitlist", response=list[WaitlistEntryOut], auth=Role.USER, tags=TAGS)
def my_waitlist(principal: Principal) -> list[WaitlistEntryOut]:
    """My waiting-list entries, newest first, each with its live offer."""
    return [
        waitlist_entry_out(e, waitlist.offer_token(e)) for e in waitlist.mine(principal.user_id)
    ]
