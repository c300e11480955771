"""What the counters must equal, computed the slow way: from the seat items, orders and
tickets themselves (tests may scan; the application never does)."""

from __future__ import annotations

from chalicelib.booking.models import Order, Seat, SeatStatus, Ticket, TicketStatus
from chalicelib.booking.rules import OrderStatus
from chalicelib.boxoffice.counters import Tally


def truth(showtime_id: str) -> Tally:
    """The showtime's tally from its items, counting every pending order's seats as held
    (as the counters do until the sweeper ends a lapsed order)."""
    seats = list(Seat.query(showtime_id, consistent_read=True))
    showtime_orders = [o for o in Order.scan(consistent_read=True) if o.showtime_id == showtime_id]
    paid = [
        o
        for o in showtime_orders
        if o.status in (OrderStatus.PAID, OrderStatus.USED, OrderStatus.REFUNDED)
    ]
    refunded = [o for o in paid if o.status == OrderStatus.REFUNDED]
    tickets = [t for o in showtime_orders for t in Ticket.query(o.order_id, consistent_read=True)]
    return Tally(
        capacity=len(seats),
        held=sum(
            len(o.seat_ids) for o in showtime_orders if o.status == OrderStatus.PENDING_PAYMENT
        ),
        sold=sum(1 for s in seats if s.status == SeatStatus.SOLD),
        blocked=sum(1 for s in seats if s.status == SeatStatus.BLOCKED),
        checked_in=sum(1 for t in tickets if t.status == TicketStatus.USED),
        orders=len(paid),
        gross=sum(int(o.subtotal) for o in paid),
        discounts=sum(int(o.discount) for o in paid),
        refunds=sum(int(o.total) for o in refunded),
        refunded_seats=sum(len(o.seat_ids) for o in refunded),
    )
