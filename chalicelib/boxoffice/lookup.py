"""Staff find an order (by its number, the customer's e-mail or a ticket's code) and read
it with its tickets and its payment and refund history. Only orders of the caller's
cinemas are shown; another cinema's order is a 403 when asked for by id."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.accounts.rules import LoginKind, normalize_email
from chalicelib.accounts.service import find_user
from chalicelib.accounts.tokens import Principal
from chalicelib.booking import orders, payments, tickets
from chalicelib.booking.models import Order, OrderNumber, Ticket
from chalicelib.booking.rules import OrderStatus
from chalicelib.boxoffice import staff
from chalicelib.boxoffice.models import RefundRecord
from chalicelib.boxoffice.schemas import (
    HistoryEntry,
    LookupQuery,
    OrderDetail,
    OrderList,
    StaffOrderOut,
    staff_order,
    staff_ticket,
)
from chalicelib.catalog.models import Showtime
from chalicelib.core.dynamo import get_or_none

#: the newest orders of one customer a lookup by e-mail shows
EMAIL_LOOKUP_LIMIT = 50


def cinemas_of(showtime_ids: Iterable[str]) -> dict[str, str]:
    """showtime id -> cinema id, one BatchGetItem."""
    ids = set(showtime_ids)
    if not ids:
        return {}
    return {
        s.showtime_id: s.cinema_id
        for s in Showtime.batch_get(ids, attributes_to_get=["showtime_id", "cinema_id"])
    }


def find_orders(query: LookupQuery, principal: Principal) -> OrderList:
    member = staff.staff_member(principal)
    found: list[Order] = []
    if query.number:
        number = get_or_none(OrderNumber, query.number, consistent_read=True)
        found = [orders.load(number.order_id)] if number else []
    elif query.ticket_code:
        order_id, _, _ = tickets.read_code(query.ticket_code)
        order = orders.find(order_id)
        found = [order] if order else []
    elif query.email:
        user = find_user(LoginKind.EMAIL, normalize_email(query.email))
        if user is not None:
            found = list(
                Order.by_user.query(
                    user.user_id, scan_index_forward=False, limit=EMAIL_LOOKUP_LIMIT
                )
            )
    cinemas = cinemas_of(o.showtime_id for o in found)
    return OrderList(
        items=[
            staff_order(o, cinemas[o.showtime_id])
            for o in found
            if o.showtime_id in cinemas and member.acts_at(cinemas[o.showtime_id])
        ]
    )


def order_at_cinema(order_id: str, principal: Principal) -> tuple[Order, StaffOrderOut]:
    """The order, for staff of its showtime's cinema (404 unknown, 403 another's)."""
    order = orders.load(order_id)
    cinema_id = cinemas_of([order.showtime_id]).get(order.showtime_id, "")
    staff.at_cinema(principal, cinema_id)
    return order, staff_order(order, cinema_id)


def order_detail(order_id: str, principal: Principal) -> OrderDetail:
    order, out = order_at_cinema(order_id, principal)
    ticket_items = list(Ticket.query(order_id, consistent_read=True))
    return OrderDetail(
        order=out,
        tickets=[staff_ticket(t) for t in ticket_items],
        history=history(order, ticket_items),
    )


def history(order: Order, ticket_items: list[Ticket]) -> list[HistoryEntry]:
    """What happened, oldest first: from the order, its tickets, the box office's refund
    records and (for a card payment) Stripe's own account of the payment and refunds."""
    entries = [HistoryEntry(at=order.created_at, kind="created", amount=int(order.total))]
    if order.paid_by:
        entries.append(
            HistoryEntry(
                at=order.created_at,
                kind="paid_at_counter",
                amount=int(order.total),
                detail=f"{order.paid_by}, sold by {order.sold_by}",
            )
        )
    elif order.payment_intent_id:
        for event in payments.payment_history(order.payment_intent_id):
            entries.append(HistoryEntry(**event))
    by_reference = {e.reference: e for e in entries if e.reference}
    for record in RefundRecord.query(order.order_id, consistent_read=True):
        detail = f"{record.reason} (by {record.refunded_by})"
        stripe_entry = by_reference.get(record.refund_id) if record.refund_id else None
        if stripe_entry is not None:
            stripe_entry.detail = detail  # Stripe told the amount; add who and why
            continue
        entries.append(
            HistoryEntry(
                at=record.created_at,
                kind="refund",
                amount=int(record.amount),
                detail=detail,
                reference=record.refund_id,
            )
        )
    for ticket in ticket_items:
        if ticket.used_at:
            entries.append(
                HistoryEntry(
                    at=ticket.used_at,
                    kind="checked_in",
                    detail=f"seat {ticket.seat_id} by {ticket.checked_in_by}",
                )
            )
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        entries.append(
            HistoryEntry(
                at=order.updated_at,
                kind=order.status,  # type: ignore[arg-type]
                detail=order.status_reason,
            )
        )
    return sorted(entries, key=lambda e: e.at)
