"""Box-office routes: staff of a cinema look orders up, refund, block seats, sell at the
counter, cancel showtimes, run check-in, and read reports and exports.

Every route is for signed-in users (``auth=Role.USER``) and then checks the caller's
staff grant as stored now (``chalicelib.boxoffice.staff``): a grant's cinemas, not the
token's roles, decide, so a revoked grant stops working at once.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import Reply, route
from chalicelib.booking.schemas import OrderHeaders, SeatsUnavailable, StrandedSeats
from chalicelib.boxoffice import (
    blocking,
    cancellation,
    checkins,
    counter_sales,
    exports,
    lookup,
    refunds,
    reports,
)
from chalicelib.boxoffice.blocking import BlockResult, SeatsNotBlockable
from chalicelib.boxoffice.checkins import NotCheckedIn, UndoTooLate
from chalicelib.boxoffice.refunds import OrderNotRefundable
from chalicelib.boxoffice.schemas import (
    BlockOut,
    BlockRequest,
    CancellationOut,
    CancelRequest,
    CheckinList,
    CinemaReport,
    CounterSaleOut,
    CounterSaleRequest,
    ExportOut,
    ExportRequest,
    HallBlockOut,
    HallShowtimeBlock,
    LookupQuery,
    OrderDetail,
    OrderList,
    RangeQuery,
    RefundOut,
    RefundRequest,
    ShowtimeReport,
    StaffTicketOut,
    UnblockRequest,
)
from chalicelib.boxoffice.staff import NotStaff, OtherCinema
from chalicelib.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    ServiceUnavailable,
    UnknownReference,
)
from chalicelib.core.roles import Role

bp = Blueprint(__name__)
TAGS = ("box office",)
STAFF = Role.USER  # then the live staff check of the object's cinema
POST = ("POST",)
#: what the live staff check answers: no grant at all, or none for this cinema (403)
STAFF_PROBLEMS: tuple[type[AppError], ...] = (NotStaff, OtherCinema)


def _block_out(result: BlockResult) -> BlockOut:
    return BlockOut(
        showtime_id=result.showtime_id, changed=result.changed, unchanged=result.unchanged
    )


def _hall_out(results: list[BlockResult | SeatsNotBlockable]) -> HallBlockOut:
    items = []
    for result in results:
        if isinstance(result, BlockResult):
            items.append(
                HallShowtimeBlock(
                    showtime_id=result.showtime_id,
                    changed=result.changed,
                    unchanged=result.unchanged,
                )
            )
        else:
            items.append(
                HallShowtimeBlock(
                    showtime_id=result.extra["showtime_id"], refused_seats=result.extra["seats"]
                )
            )
    return HallBlockOut(showtimes=items)


@route(
    bp,
    "/staff/orders",
    query=LookupQuery,
    response=OrderList,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, BadRequest),
    tags=TAGS,
)
def find_orders(query: LookupQuery, principal: Principal) -> OrderList:
    """Find orders by ``number``, the customer's ``email`` or a ``ticket_code`` (exactly
    one); only orders of the caller's cinemas are listed."""
    return lookup.find_orders(query, principal)


@route(
    bp,
    "/staff/orders/{order_id}",
    response=OrderDetail,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def order_detail(order_id: str, principal: Principal) -> OrderDetail:
    """An order with its tickets and its payment and refund history (403: another
    cinema's)."""
    return lookup.order_detail(order_id, principal)


@route(
    bp,
    "/orders/{order_id}/refund",
    methods=POST,
    body=RefundRequest,
    response=RefundOut,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, UnknownReference, OrderNotRefundable, Conflict, ServiceUnavailable),
    tags=TAGS,
)
def refund_order(order_id: str, body: RefundRequest, principal: Principal) -> RefundOut:
    """Refund a paid order in full, or single tickets (``ticket_ids``) when the order has
    no discount. Through Stripe (a counter sale: paid back at the counter); the tickets
    are voided and the customer is e-mailed. 409 ``not-refundable`` otherwise."""
    return refunds.refund(order_id, body.reason, body.ticket_ids, principal)


@route(
    bp,
    "/showtimes/{showtime_id}/blocked-seats",
    methods=("PUT",),
    body=BlockRequest,
    response=BlockOut,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, UnknownReference, SeatsNotBlockable, Conflict),
    tags=TAGS,
)
def block_seats(showtime_id: str, body: BlockRequest, principal: Principal) -> BlockOut:
    """Block seats (never sellable until unblocked); all or none. 409
    ``seats-not-blockable`` names seats held or sold."""
    return _block_out(
        blocking.block_in_showtime(showtime_id, body.seat_ids, body.reason, principal)
    )


@route(
    bp,
    "/showtimes/{showtime_id}/blocked-seats",
    methods=("DELETE",),
    body=UnblockRequest,
    response=BlockOut,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, UnknownReference, Conflict),
    tags=TAGS,
)
def unblock_seats(showtime_id: str, body: UnblockRequest, principal: Principal) -> BlockOut:
    """Give blocked seats back to sale."""
    return _block_out(blocking.unblock_in_showtime(showtime_id, body.seat_ids, principal))


@route(
    bp,
    "/halls/{hall_id}/blocked-seats",
    methods=("PUT",),
    body=BlockRequest,
    response=HallBlockOut,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, UnknownReference),
    tags=TAGS,
)
def block_hall_seats(hall_id: str, body: BlockRequest, principal: Principal) -> HallBlockOut:
    """Block seats in every future showtime of a hall; each showtime answers for itself
    (``refused_seats``: held or sold there)."""
    return _hall_out(blocking.block_in_hall(hall_id, body.seat_ids, body.reason, principal))


@route(
    bp,
    "/halls/{hall_id}/blocked-seats",
    methods=("DELETE",),
    body=UnblockRequest,
    response=HallBlockOut,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, UnknownReference),
    tags=TAGS,
)
def unblock_hall_seats(hall_id: str, body: UnblockRequest, principal: Principal) -> HallBlockOut:
    """Unblock seats in every future showtime of a hall."""
    return _hall_out(blocking.block_in_hall(hall_id, body.seat_ids, "", principal, unblock=True))


@route(
    bp,
    "/showtimes/{showtime_id}/counter-sales",
    methods=POST,
    body=CounterSaleRequest,
    headers=OrderHeaders,
    response=CounterSaleOut,
    status=201,
    also={200: "A retry with the same Idempotency-Key: the sale made before."},
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, UnknownReference, SeatsUnavailable, StrandedSeats, Conflict),
    tags=TAGS,
)
def counter_sale(
    showtime_id: str, body: CounterSaleRequest, headers: OrderHeaders, principal: Principal
) -> Reply:
    """Sell seats to a walk-in, paid at the counter: one transaction sells the seats and
    issues the tickets. Needs an ``Idempotency-Key`` header (a retry answers the same
    sale with 200). ``ticket_types`` names a type per seat (adult unless named). 409
    ``seats-unavailable`` names seats taken."""
    sale, created = counter_sales.sell(
        showtime_id,
        body.seat_ids,
        body.paid_by,
        principal,
        headers.idempotency_key,
        body.ticket_types,
    )
    return Reply(sale, status=201 if created else 200)


@route(
    bp,
    "/showtimes/{showtime_id}/cancel",
    methods=POST,
    body=CancelRequest,
    response=CancellationOut,
    status=202,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, Conflict),
    tags=TAGS,
)
def cancel_showtime(showtime_id: str, body: CancelRequest, principal: Principal) -> Reply:
    """Cancel a showtime: sales stop at once; every order is then refunded or cancelled
    and its customer e-mailed, in the background (progress: ``GET
    /showtimes/{id}/cancellation``). Asking again answers the same cancellation."""
    out = cancellation.cancel_showtime(showtime_id, body.reason, principal)
    return Reply(out, status=202, headers={"Location": f"/showtimes/{showtime_id}/cancellation"})


@route(
    bp,
    "/showtimes/{showtime_id}/cancellation",
    response=CancellationOut,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def cancellation_progress(showtime_id: str, principal: Principal) -> CancellationOut:
    """How far a cancellation has got: orders found, settled, refunded, cancelled."""
    blocking.showtime_at_cinema(showtime_id, principal)
    found = cancellation.progress(showtime_id)
    if found is None:
        raise NotFound("This showtime is not cancelled.")
    return found


@route(
    bp,
    "/showtimes/{showtime_id}/checkins",
    response=CheckinList,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def checkin_list(showtime_id: str, principal: Principal) -> CheckinList:
    """Counts (sold, checked in, remaining) and every ticket of the showtime with its
    status, by seat."""
    return checkins.checkin_list(showtime_id, principal)


@route(
    bp,
    "/checkins/{ticket_id}",
    methods=("DELETE",),
    response=StaffTicketOut,
    auth=STAFF,
    errors=(*STAFF_PROBLEMS, NotCheckedIn, UndoTooLate, Conflict),
    tags=TAGS,
)
def undo_checkin(ticket_id: str, principal: Principal) -> StaffTicketOut:
    """Undo a check-in within 10 minutes (409 ``undo-too-late`` after)."""
    return checkins.undo_check_in(ticket_id, principal)


@route(
    bp,
    "/reports/showtimes/{showtime_id}",
    response=ShowtimeReport,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def showtime_report(showtime_id: str, principal: Principal) -> ShowtimeReport:
    """Seats sold/held/blocked/free, checked in, gross, discounts, refunds, net."""
    return reports.showtime_report(showtime_id, principal)


@route(
    bp,
    "/reports/cinemas/{cinema_id}",
    query=RangeQuery,
    response=CinemaReport,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def cinema_report(cinema_id: str, query: RangeQuery, principal: Principal) -> CinemaReport:
    """The cinema's figures per local day of the showtimes, ``from`` to ``to``
    (inclusive, at most 366 days), and their total."""
    return reports.cinema_report(cinema_id, query.from_, query.to, principal)


@route(
    bp,
    "/exports",
    methods=POST,
    body=ExportRequest,
    response=ExportOut,
    status=202,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def create_export(body: ExportRequest, principal: Principal) -> Reply:
    """Export a cinema's orders or tickets for a date range (at most 92 days) as CSV,
    built in the background; poll ``GET /exports/{id}`` for progress and the link."""
    out = exports.create_export(body.cinema_id, body.from_, body.to, body.kind, principal)
    return Reply(out, status=202, headers={"Location": f"/exports/{out.export_id}"})


@route(
    bp,
    "/exports/{export_id}",
    response=ExportOut,
    auth=STAFF,
    errors=STAFF_PROBLEMS,
    tags=TAGS,
)
def get_export(export_id: str, principal: Principal) -> ExportOut:
    """An export's progress; once done, a presigned link to the CSV."""
    return exports.get_export(export_id, principal)
