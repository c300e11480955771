"""E-mails about orders, queued for the mailer. The message id is derived from the order
and the kind, so a repeated webhook queues the same message and the mailer sends it once."""

from __future__ import annotations

from chalicelib.accounts.models import User
from chalicelib.booking.models import Order
from chalicelib.booking.tickets import tickets_of
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.email import EmailMessage, enqueue
from chalicelib.core.observability import logger


def _address(user_id: str) -> str | None:
    user = get_or_none(User, user_id)
    if user is None:
        logger.warning("no e-mail address for a booking notice", extra={"user_id": user_id})
        return None
    return str(user.email)


def _send(order: Order, kind: str, subject: str, text: str) -> bool:
    to = _address(order.user_id)
    if to is None:
        return False
    enqueue(
        EmailMessage(
            message_id=f"{kind}-{order.order_id}", kind=kind, to=to, subject=subject, text=text
        )
    )
    return True


def order_confirmed(order: Order) -> bool:
    """The confirmation with one ticket code per seat."""
    lines = [f"Order {order.number} is paid: {int(order.total)} {order.currency.upper()}."]
    lines += [f"Seat {t.seat_id}: {t.code}" for t in tickets_of(order)]
    return _send(
        order, "order_confirmation", f"Your tickets, order {order.number}", "\n".join(lines)
    )


def late_payment_refunded(order: Order, reason: str) -> bool:
    text = (
        f"Your payment for order {order.number} arrived after the seat hold ended and "
        f"could not be used ({reason}). The full amount has been refunded."
    )
    return _send(order, "late_payment_refund", f"Order {order.number} refunded", text)


def order_refunded(order: Order) -> bool:
    text = f"Order {order.number} was cancelled and {int(order.total)} refunded."
    return _send(order, "order_refund", f"Order {order.number} refunded", text)
