"""E-mails the box office sends customers: refunds staff made, cancelled showtimes.
Message ids are derived from what happened, so a retried step queues the same message
and the mailer sends it once."""

from __future__ import annotations

from chalicelib.booking.models import Order
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.email import EmailMessage, enqueue
from chalicelib.core.observability import logger


def _address(order: Order) -> str | None:
    from chalicelib.accounts.models import User

    if order.paid_by:
        return None  # a walk-in bought at the counter: nobody to write to
    user = get_or_none(User, order.user_id)
    if user is None:
        logger.warning("no e-mail address for a refund notice", extra={"order": order.order_id})
        return None
    return str(user.email)


def _send(order: Order, message_id: str, kind: str, subject: str, text: str) -> bool:
    to = _address(order)
    if to is None:
        return False
    try:
        enqueue(EmailMessage(message_id=message_id, kind=kind, to=to, subject=subject, text=text))
    except Exception:
        # the refund is done and recorded; a lost notice must not turn that into an error
        logger.exception("refund notice not queued", extra={"order_id": order.order_id})
        return False
    return True


def refunded(order: Order, amount: int, reason: str, seat_ids: list[str]) -> bool:
    seats = ", ".join(seat_ids)
    text = (
        f"We refunded {amount} {order.currency.upper()} of order {order.number} "
        f"(seats {seats}): {reason}. Those tickets are no longer valid."
    )
    key = ",".join(sorted(seat_ids))
    return _send(
        order,
        f"staff_refund-{order.order_id}-{key}",
        "staff_refund",
        f"Order {order.number} refunded",
        text,
    )


def showtime_cancelled(order: Order, reason: str, refunded_amount: int) -> bool:
    money = (
        f" We refunded {refunded_amount} {order.currency.upper()}."
        if refunded_amount
        else " Nothing was charged."
    )
    text = f"The showtime of order {order.number} was cancelled: {reason}.{money}"
    return _send(
        order,
        f"showtime_cancelled-{order.order_id}",
        "showtime_cancelled",
        f"Showtime cancelled, order {order.number}",
        text,
    )
