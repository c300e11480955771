"""What the counters must equal, computed the slow way: from the seat items, orders and
tickets themselves (tests may scan; the application never does)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.booking import orders, service, settlement
from chalicelib.booking.models import Order, Seat, Ticket
from chalicelib.booking.rules import OrderStatus, SeatStatus, TicketStatus
from chalicelib.booking.schemas import order_out
from chalicelib.boxoffice.counters import Tally
from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings
from functions import boxoffice
from local.pumps import LambdaContext, sqs_record
from tests.booking.support import make_users, pay_by_card, user_token


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
    tickets = [t for o in showtime_orders for t in Ticket.query(o.order_id, consistent_read=True)]
    return Tally(
        capacity=len(seats),
        held=sum(
            len(o.seat_ids) for o in showtime_orders if o.status == OrderStatus.PENDING_PAYMENT
        ),
        sold=sum(1 for s in seats if s.status == SeatStatus.SOLD),
        blocked=sum(1 for s in seats if s.status == SeatStatus.BLOCKED),
        checked_in=sum(1 for t in tickets if t.used_at is not None),
        orders=len(paid),
        gross=sum(int(o.subtotal) for o in paid),
        discounts=sum(int(o.discount) for o in paid),
        refunds=sum(
            int(o.total) if o.status == OrderStatus.REFUNDED else int(o.refunded_amount or 0)
            for o in paid
        ),
        refunded_seats=sum(1 for t in tickets if t.status == TicketStatus.VOID),
        counter_cash=sum(int(o.total) for o in paid if o.paid_by == "cash"),
        counter_terminal=sum(int(o.total) for o in paid if o.paid_by == "terminal"),
    )


# --- helpers for the box-office tests -----------------------------------------------------


def staff_api(api: Any, cinemas: set[str] | None = None, user_id: str | None = None) -> Any:
    """The API as a staff member of ``cinemas`` (default: the cinema of ``make_showtime``)."""
    _, token = user_token(user_id, staff=True, cinema_ids=cinemas)
    return api.as_user(token)


def paid_online(
    user_id: str, showtime_id: str, seats: list[str], coupon: str | None = None
) -> dict[str, Any]:
    """An order paid by card in localstripe and settled as the webhook would settle it."""
    if not _exists(user_id):
        make_users([user_id])
    placed = service.place_order(user_id, showtime_id, seats, coupon)
    if placed.payment is not None:
        assert pay_by_card(placed.payment.payment_intent_id) == "succeeded"
        settlement.settle_payment(placed.payment.payment_intent_id)
    return order_out(orders.load(placed.order.order_id)).model_dump(mode="json")


def _exists(user_id: str) -> bool:
    from chalicelib.accounts.models import User

    try:
        User.get(user_id)
        return True
    except User.DoesNotExist:
        return False


def run_jobs(limit: int = 1000) -> int:
    """Run the box-office worker over its queue (as the SQS pump would) until it is
    empty; returns how many jobs ran."""
    sqs = client("sqs")
    url = queue_url(get_settings().boxoffice_queue_name)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    ran = 0
    while ran < limit:
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not received:
            return ran
        result = boxoffice.handler(
            {"Records": [sqs_record(m, arn) for m in received]}, LambdaContext("boxoffice")
        )
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        assert not failed, result
        for message in received:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        ran += len(received)
    return ran


def queued_emails(kind: str | None = None) -> list[dict[str, Any]]:
    """E-mails waiting on the mail queue, read and then made visible again."""
    sqs = client("sqs")
    url = queue_url(get_settings().email_queue_name)
    found: list[dict[str, Any]] = []
    handles: list[str] = []
    while True:
        got = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=60
        ).get("Messages", [])
        if not got:
            break
        found.extend(json.loads(m["Body"]) for m in got)
        handles.extend(m["ReceiptHandle"] for m in got)
    for handle in handles:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return [m for m in found if kind is None or m["kind"] == kind]
