"""Booking use cases: price seats, place an order (hold + pay), read and cancel orders.

The rules come from ``rules``; the writes are DynamoDB transactions (``holds``,
``orders``); Stripe is called only after the seats are safely held. A hold costs the same
in any hall: it reads the chosen seats and their neighbours (``plans`` knows where they
are), never the whole showtime.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.accounts.tokens import Principal
from chalicelib.booking import (
    catalogue,
    hints,
    holds,
    notices,
    orders,
    payments,
    plans,
    showtimes,
)
from chalicelib.booking.coupons import coupon_for
from chalicelib.booking.models import PENDING_KEY, Order, OrderNumber, PriceLineMap
from chalicelib.booking.rules import (
    OrderStatus,
    Quote,
    SeatState,
    decisive_seats,
    hold_expiry,
    is_free,
    may_cancel_paid,
    order_number,
    paid_cancel_deadline,
    quote,
    sales_are_open,
    seat_count_problem,
    stranded_seats,
)
from chalicelib.booking.schemas import (
    OrderInState,
    OrderOut,
    PlacedOrder,
    QuoteOut,
    SeatsUnavailable,
    StrandedSeats,
    TicketOut,
    order_out,
    quote_out,
)
from chalicelib.booking.showtimes import SaleTerms
from chalicelib.booking.tickets import tickets_of
from chalicelib.boxoffice import staff
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.errors import (
    AppError,
    Conflict,
    Forbidden,
    NotFound,
    UnknownReference,
    ValidationFailed,
)
from chalicelib.core.idempotency import persistence_layer
from chalicelib.core.observability import logger
from chalicelib.core.pagination import Page, PageQuery, paginate
from chalicelib.core.transactions import ConditionFailed, Transaction, TransactionContended
from chalicelib.selling import vouchers, waitlist
from chalicelib.selling.ticket_rules import ADULT, chosen_types, full_table, typed_lines
from chalicelib.selling.voucher_rules import OrderFacts, normalise_code

#: fresh order numbers tried when the random part collides
NUMBER_ATTEMPTS = 5
#: decisions made again when the showtime or a neighbouring seat changed before commit
DECIDE_ATTEMPTS = 4


def seat_map(showtime_id: str) -> dict[str, Any]:
    return holds.seat_map(showtime_id, clock.epoch_seconds())


@dataclass(frozen=True)
class Decision:
    """An order decided on a read or on a guess: the terms and price, and the seats near
    the choice the decision rests on, each expected free (``True``) or taken (the
    transaction checks they still are)."""

    terms: SaleTerms
    priced: Quote
    decisive: dict[str, bool] = field(default_factory=dict)
    offer: waitlist.OfferClaim | None = None  # the waiting-list offer whose seats it takes


def _decide(
    user_id: str,
    showtime_id: str,
    seat_ids: list[str],
    coupon_id: str | None,
    *,
    hold: bool,
    voucher_code: str | None = None,
    ticket_types: Mapping[str, str] | None = None,
    waitlist_offer: str | None = None,
    guess: bool = False,
) -> Decision:
    """Check every rule an order must pass and price it on the server. With ``hold`` the
    seats must be free now and the coupon or voucher usable; a quote only reports their
    problem. One coupon or one voucher per order, never both; each seat priced by its
    ticket type (adult unless named). With ``waitlist_offer`` the seats are exactly the
    offer's, which holds them for this user: no stranded-seat rule (the list chose them).

    Reads no more than the chosen seats and their neighbours, and with ``guess`` (a hold)
    nothing at all when this container's hints (``hints``) say the choice is free and
    strands no seat: the hold's transaction then checks the guess. A hold takes the
    showtime's terms from the container's cache, which its transaction checks too."""
    settings = get_settings()
    problem = seat_count_problem(seat_ids, settings.max_seats_per_order)
    if problem:
        raise ValidationFailed.single("seat_ids", problem)
    if coupon_id and voucher_code:
        raise ValidationFailed.single("voucher_code", "one voucher or one coupon per order")
    now = clock.now()
    terms = showtimes.sale_terms(showtime_id, cached=hold)
    plan = plans.plan_of(showtime_id)
    plan.check_known(seat_ids)
    seat_types = {plan.seat_type(s) for s in seat_ids}
    refusal = _terms_refusal(terms, seat_types, seat_ids, ticket_types, now)
    if refusal is not None and hold:
        # Only a transaction proves cached terms current: never refuse on them alone.
        terms = showtimes.sale_terms(showtime_id, cached=False)
        refusal = _terms_refusal(terms, seat_types, seat_ids, ticket_types, now)
    if refusal is not None:
        raise refusal
    offer = None
    if waitlist_offer is not None:
        offer = waitlist.claim(waitlist_offer, user_id, showtime_id, seat_ids)
        decisive: dict[str, bool] = {}
    else:
        decisive = _seat_decision(plan, seat_ids, int(now.timestamp()), hold=hold, guess=guess)
    table = full_table(terms.prices, terms.ticket_prices)
    types, _ = chosen_types(seat_ids, ticket_types, table)  # as _terms_refusal found them
    lines = typed_lines(((s, plan.seat_type(s), types[s]) for s in seat_ids), table)
    coupon = coupon_for(user_id, coupon_id) if coupon_id else None
    priced = quote(lines, terms.currency, terms.movie_id, now, coupon)
    if hold and priced.coupon_problem:
        raise Conflict(f"The coupon cannot be used: {priced.coupon_problem}.")
    if voucher_code:
        facts = OrderFacts(terms.movie_id, terms.cinema_id, terms.showtime_id, terms.currency)
        priced = vouchers.with_voucher(priced, voucher_code, user_id, facts, now)
        if hold and priced.voucher_problem == vouchers.NO_SUCH_CODE:
            raise UnknownReference("voucher_code", vouchers.NO_SUCH_CODE)
        if hold and priced.voucher_problem:
            raise Conflict(f"The voucher cannot be used: {priced.voucher_problem}.")
    return Decision(terms, priced, decisive, offer)


def _seat_decision(
    plan: plans.Plan, seat_ids: list[str], now_epoch: int, *, hold: bool, guess: bool
) -> dict[str, bool]:
    """The stranded-seat rule (and, for a hold, the seats being free) on a read, or on the
    hints when ``guess`` and they promise a yes. With ``guess`` the read is the chosen
    seats and the neighbours never seen, the rest as last seen; neighbours are read
    whenever the hints alone would refuse. Returns the seats the transaction must find as
    decided: ``{seat id: expected free}``."""
    rule = get_settings().stranded_seat_rule
    showtime_id = plan.showtime_id
    nearby = plan.nearby(seat_ids) if rule else []
    wanted = [*seat_ids, *nearby]
    if (
        guess
        and not hints.read_first(showtime_id)
        and not hints.any_taken(showtime_id, seat_ids, now_epoch)
    ):
        if not rule:
            return {}  # the holds' own conditions decide
        states = hints.guess(showtime_id, plan.places(wanted), now_epoch)
        if not stranded_seats(states.values(), seat_ids, now_epoch):
            return _expected(states, seat_ids, now_epoch)
        guess = False  # a guess never refuses: only a read can say the choice strands a seat
    if not hold and not rule:
        return {}
    # A hold's first read: the chosen seats (a refusal rests on them) and the neighbours
    # this container never saw; the others as last seen, which the transaction checks.
    read = [*seat_ids, *hints.unseen(showtime_id, nearby)] if guess else wanted
    states = holds.read_seats(showtime_id, read)
    hints.saw(showtime_id, states.values())
    taken = [s for s in seat_ids if s not in states or not is_free(states[s], now_epoch)]
    if hold and taken:
        hints.found(showtime_id, taken=True)
        raise SeatsUnavailable(taken)
    if not rule:
        return {}
    unread = [s for s in wanted if s not in read]
    if unread:
        guessed = {**hints.guess(showtime_id, plan.places(unread), now_epoch), **states}
        if not stranded_seats(guessed.values(), seat_ids, now_epoch):
            return _expected(guessed, seat_ids, now_epoch)
        states.update(holds.read_seats(showtime_id, unread))  # a guess never refuses
        hints.saw(showtime_id, states.values())
    stranded = stranded_seats(states.values(), seat_ids, now_epoch)
    if stranded:
        raise StrandedSeats(stranded)
    return _expected(states, seat_ids, now_epoch)


def _expected(states: dict[str, SeatState], seat_ids: list[str], now_epoch: int) -> dict[str, bool]:
    return {
        s: is_free(states[s], now_epoch)
        for s in decisive_seats(states.values(), seat_ids, now_epoch)
    }


def _terms_refusal(
    terms: SaleTerms,
    seat_types: set[str],
    seat_ids: list[str],
    ticket_types: Mapping[str, str] | None,
    now: datetime,
) -> AppError | None:
    """Why the showtime's terms refuse this order (sales, seat types, ticket types), or
    ``None``."""
    close = get_settings().sales_close_minutes
    if not sales_are_open(terms.starts_at, terms.sales_open, now, close):
        return Conflict("Sales for this showtime are closed.")
    missing = sorted(seat_types - set(terms.prices))
    if missing:
        return Conflict(f"This showtime has no price for {', '.join(missing)} seats.")
    table = full_table(terms.prices, terms.ticket_prices)
    _, type_problem = chosen_types(seat_ids, ticket_types, table)
    if type_problem:
        return ValidationFailed.single("ticket_types", type_problem)
    return None


def price_order(
    user_id: str,
    showtime_id: str,
    seat_ids: list[str],
    coupon_id: str | None,
    *,
    hold: bool,
    voucher_code: str | None = None,
    ticket_types: Mapping[str, str] | None = None,
    waitlist_offer: str | None = None,
) -> tuple[SaleTerms, Quote]:
    decision = _decide(
        user_id,
        showtime_id,
        seat_ids,
        coupon_id,
        hold=hold,
        voucher_code=voucher_code,
        ticket_types=ticket_types,
        waitlist_offer=waitlist_offer,
    )
    return decision.terms, decision.priced


def order_context(showtime_id: str, seat_ids: list[str]) -> tuple[str, str, int | None]:
    """Movie, currency and (with seats) the subtotal an order would have, for coupon
    eligibility; nothing is checked beyond the seats existing."""
    terms = showtimes.sale_terms(showtime_id, cached=False)
    if not seat_ids:
        return terms.movie_id, terms.currency, None
    plan = plans.plan_of(showtime_id)
    plan.check_known(seat_ids)
    subtotal = 0
    for seat_id in seat_ids:
        seat_type = plan.seat_type(seat_id)
        if seat_type not in terms.prices:
            raise Conflict(f"This showtime has no price for {seat_type} seats.")
        subtotal += terms.prices[seat_type]
    return terms.movie_id, terms.currency, subtotal


def get_quote(
    user_id: str,
    showtime_id: str,
    seat_ids: list[str],
    coupon_id: str | None,
    voucher_code: str | None = None,
    ticket_types: Mapping[str, str] | None = None,
    waitlist_offer: str | None = None,
) -> QuoteOut:
    _, priced = price_order(
        user_id,
        showtime_id,
        seat_ids,
        coupon_id,
        hold=False,
        voucher_code=voucher_code,
        ticket_types=ticket_types,
        waitlist_offer=waitlist_offer,
    )
    return quote_out(priced)


def hold_order(
    user_id: str,
    showtime_id: str,
    seat_ids: list[str],
    coupon_id: str | None,
    order_id: str | None = None,
    voucher_code: str | None = None,
    ticket_types: Mapping[str, str] | None = None,
    waitlist_offer: str | None = None,
) -> Order:
    """Decide the order on a read, then hold every seat, use the coupon and write the
    pending order in ONE transaction that also checks what the decision rested on (the
    showtime's terms, the seats near the choice). If those changed meanwhile, decide again.
    Seats someone else holds give 409 ``unavailable_seats``. Nothing outside DynamoDB is
    called here."""
    guess = True  # first from this container's hints; a neighbour found changed: read
    # a terms stamp a counter shard refused: the terms changed since, or (when the showtime
    # still carries it) the shard never got it; then the showtime's version decides
    stale_stamp: str | None = None
    for _ in range(DECIDE_ATTEMPTS):
        decision = _decide(
            user_id,
            showtime_id,
            seat_ids,
            coupon_id,
            hold=True,
            voucher_code=voucher_code,
            ticket_types=ticket_types,
            waitlist_offer=waitlist_offer,
            guess=guess,
        )
        try:
            return _hold(
                user_id,
                decision.terms,
                seat_ids,
                decision.priced,
                decisive=decision.decisive,
                order_id=order_id,
                offer=decision.offer,
                on_shard=decision.terms.stamp != stale_stamp,
            )
        except _Outdated as outdated:
            if outdated.showtime:
                stale_stamp = decision.terms.stamp
                showtimes.forget(showtime_id)
            else:
                guess = False
    raise Conflict("The seats around this choice keep changing; try again.")


def place_order(
    user_id: str,
    showtime_id: str,
    seat_ids: list[str],
    coupon_id: str | None,
    order_id: str | None = None,
    voucher_code: str | None = None,
    ticket_types: Mapping[str, str] | None = None,
    waitlist_offer: str | None = None,
) -> PlacedOrder:
    """``hold_order``, then ask Stripe for a PaymentIntent (never before the seats are
    held: a slow Stripe must not keep seats undecided).

    ``order_id`` (derived from the Idempotency-Key) makes a retry resume: when an earlier
    attempt held the seats and then failed or crashed, the order it wrote is answered again
    with its payment, instead of the retry finding its own seats taken."""
    order = orders.find(order_id) if order_id else None
    if order is None:
        order = hold_order(
            user_id,
            showtime_id,
            seat_ids,
            coupon_id,
            order_id=order_id,
            voucher_code=voucher_code,
            ticket_types=ticket_types,
            waitlist_offer=waitlist_offer,
        )
    elif (
        order.user_id,
        order.showtime_id,
        list(order.seat_ids),
        order.coupon_id,
        order.voucher_code,
        {line.seat_id: line.ticket_type or ADULT for line in order.lines},
    ) != (
        user_id,
        showtime_id,
        seat_ids,
        coupon_id,
        voucher_code and normalise_code(voucher_code),
        {s: (ticket_types or {}).get(s, ADULT) for s in seat_ids},
    ):
        raise ValidationFailed.single(
            "Idempotency-Key", "this key was already used with a different body"
        )
    return _start_payment(order)


def _start_payment(order: Order) -> PlacedOrder:
    """The order with what the client pays it with: a free order is paid at once; else its
    PaymentIntent, created once and recorded on the order (a resumed attempt reuses it).
    When Stripe cannot be reached the hold stays, so a retry can still resume it; unpaid,
    it lapses like any other."""
    if order.status == OrderStatus.PENDING_PAYMENT and int(order.total) == 0:
        orders.pay(order, clock.now())  # nothing to charge: paid at once
        return PlacedOrder(order=order_out(orders.load(order.order_id)), payment=None)
    if order.payment_intent_id:
        payment = payments.payment_details(order.payment_intent_id)
    elif order.status == OrderStatus.PENDING_PAYMENT:
        payment = payments.create_payment_intent(order)
        order = orders.record_payment_intent(order, payment.payment_intent_id)
        if order.payment_intent_id != payment.payment_intent_id:
            return _start_payment(order)  # recorded another way meanwhile, or ended
    else:
        return PlacedOrder(order=order_out(order), payment=None)
    return PlacedOrder(order=order_out(order), payment=payment)


class _Outdated(Exception):
    """The transaction found the showtime, or a seat near the choice, changed since the
    decision was read: nothing was written, decide again."""

    def __init__(self, showtime: bool) -> None:
        super().__init__("decided on an outdated read")
        self.showtime = showtime


def _hold(
    user_id: str,
    showtime: SaleTerms,
    seat_ids: list[str],
    priced: Quote,
    numbers: Callable[[datetime], str] = order_number,
    *,
    decisive: Mapping[str, bool] | None = None,
    order_id: str | None = None,
    offer: waitlist.OfferClaim | None = None,
    on_shard: bool = True,
) -> Order:
    """The hold transaction. The order number is claimed in it too; on the (rare) collision
    of the random part, a fresh number is drawn and the whole transaction tried again."""
    settings = get_settings()
    for _ in range(NUMBER_ATTEMPTS):
        now = clock.now()
        now_epoch = int(now.timestamp())
        until = hold_expiry(now, settings.hold_minutes)
        order = Order(
            order_id or uuid.uuid4().hex,
            number=numbers(now),
            user_id=user_id,
            showtime_id=showtime.showtime_id,
            movie_id=showtime.movie_id,
            starts_at=showtime.starts_at,
            seat_ids=list(seat_ids),
            lines=[PriceLineMap(**vars(line)) for line in priced.lines],
            coupon_id=priced.coupon_id,
            voucher_code=priced.voucher_code,
            subtotal=priced.subtotal,
            discount=priced.discount,
            total=priced.total,
            currency=priced.currency,
            status=OrderStatus.PENDING_PAYMENT,
            hold_expires_at=until,
            pending_key=PENDING_KEY,
            created_at=now,
            updated_at=now,
        )
        tx = Transaction()
        tx.put("order", order, condition=Order.order_id.does_not_exist())
        tx.put(
            "number",
            OrderNumber(order.number, order_id=order.order_id),
            condition=OrderNumber.number.does_not_exist(),
        )
        # seats taken over from an offer were counted held by it already
        held = len(seat_ids) - len(offer.seat_ids if offer else ())
        showtimes.add_counted_unchanged(tx, showtime, on_shard=on_shard, held=held)
        taking_over = offer.hold_id if offer else None
        for seat_id in seat_ids:
            holds.add_hold(
                tx, showtime.showtime_id, seat_id, order.order_id, until, now_epoch, taking_over
            )
        for seat_id, free in (decisive or {}).items():
            holds.add_still(tx, showtime.showtime_id, seat_id, free, now_epoch)
        if offer is not None:
            waitlist.add_accept(tx, offer, order.order_id, now_epoch)
        if priced.coupon_id:
            holds.add_coupon_use(tx, user_id, priced.coupon_id, order.order_id, now_epoch)
        if priced.voucher_code:
            vouchers.add_redemption(tx, priced.voucher_code, user_id, now_epoch)
        try:
            tx.commit()
        except (ConditionFailed, TransactionContended) as failed:
            _learn(showtime.showtime_id, failed, decisive or {})
            if "order" in failed.labels:  # only a fixed (idempotent) id can already exist
                raise Conflict(
                    "A request with this Idempotency-Key is still in progress."
                ) from failed
            # A seat another order keeps taking right now is as taken as a held one.
            taken = holds.labelled_seats(failed.labels, holds.seat_label)
            if taken:
                raise SeatsUnavailable(taken) from failed
            if "coupon" in failed.labels:
                raise Conflict("The coupon is used or no longer valid.") from failed
            if isinstance(failed, ConditionFailed) and failed.labels & {
                vouchers.VOUCHER,
                vouchers.VOUCHER_USE,
            }:
                raise Conflict("The voucher is used up or no longer valid.") from failed
            if waitlist.ENTRY in failed.labels:
                raise waitlist.OfferClosed("The waiting-list offer is no longer open.") from failed
            moved = holds.labelled_seats(failed.labels, holds.nearby_label)
            if showtimes.SHOWTIME in failed.labels or moved:
                raise _Outdated(showtime=showtimes.SHOWTIME in failed.labels) from failed
            if "number" not in failed.labels:
                raise
        else:
            hints.saw_taken(showtime.showtime_id, seat_ids, until)
            hints.found(showtime.showtime_id, taken=False)
            return order
    raise Conflict("Could not allocate an order number; try again.")


def _learn(showtime_id: str, failed: Exception, decisive: Mapping[str, bool]) -> None:
    """What a cancelled hold tells of the seats (hints for the next decision): a seat
    whose condition failed is taken, a neighbour is not as expected."""
    if not isinstance(failed, ConditionFailed):
        return  # contention says nothing about the seats' state
    taken = holds.labelled_seats(failed.labels, holds.seat_label)
    moved = holds.labelled_seats(failed.labels, holds.nearby_label)
    if taken or moved:  # the guess was wrong: a cancelled transaction
        hints.found(showtime_id, taken=True)
    hints.saw_taken(showtime_id, taken)
    hints.saw_taken(showtime_id, [s for s in moved if decisive.get(s)])
    hints.saw_free(showtime_id, [s for s in moved if not decisive.get(s, True)])


def place_order_once(
    user_id: str, idempotency_key: str, request: dict[str, Any], lambda_context: Any = None
) -> PlacedOrder:
    """``place_order`` behind Powertools idempotency, keyed by (user, Idempotency-Key): a
    repeat with the same body gets the first answer; with another body it is a 422."""
    # Imported here: Powertools' idempotency (and jmespath) load with the first order
    # placed in a container, not at every cold start.
    from aws_lambda_powertools.utilities.idempotency import (
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        expires_after_seconds=24 * 3600,
    )
    if lambda_context is not None:
        # an in-progress record then lapses with the invocation, not after an hour
        config.register_lambda_context(lambda_context)

    @idempotent_function(
        data_keyword_argument="call", persistence_store=persistence_layer("orders"), config=config
    )
    def create_order(call: dict[str, Any]) -> dict[str, Any]:
        body = call["body"]
        placed = place_order(
            user_id,
            body["showtime_id"],
            body["seat_ids"],
            body.get("coupon_id"),
            order_id=idempotent_order_id(call["key"]),
            voucher_code=body.get("voucher_code"),
            ticket_types=body.get("ticket_types"),
            waitlist_offer=body.get("waitlist_offer"),
        )
        return placed.model_dump(mode="json")  # what the idempotency record stores

    try:
        result: dict[str, Any] = create_order(
            call={"key": f"{user_id}:{idempotency_key}", "body": request}
        )
    except IdempotencyValidationError as exc:
        raise ValidationFailed.single(
            "Idempotency-Key", "this key was already used with a different body"
        ) from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("A request with this Idempotency-Key is still in progress.") from exc
    return PlacedOrder.model_validate(result)


def idempotent_order_id(key: str) -> str:
    """The order id one (user, Idempotency-Key) always gets, shaped like any other id."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def visible_order(order_id: str, principal: Principal) -> Order:
    """The owner sees their order; staff of its cinema (and admins) see it too, as their
    grant is now; others get 404."""
    order = orders.load(order_id)
    if order.user_id == principal.user_id:
        return order
    try:
        staff.at_cinema(principal, catalogue.showtime(order.showtime_id).cinema_id)
    except Forbidden as exc:
        raise NotFound("No such order.") from exc
    return order


def order_detail(order_id: str, principal: Principal) -> OrderOut:
    return order_out(visible_order(order_id, principal))


def list_orders(user_id: str, page: PageQuery) -> Page[OrderOut]:
    return paginate(
        lambda **kw: Order.by_user.query(user_id, scan_index_forward=False, **kw),
        page,
        scope=f"orders:{user_id}",
        serialize=order_out,
    )


def cancel_order(order_id: str, principal: Principal) -> OrderOut:
    """A pending order any time (seats and coupon back at once); a paid one until the cancel
    deadline before the show (refund through Stripe, then the seats are freed)."""
    order = orders.load(order_id)
    if order.user_id != principal.user_id:
        raise NotFound("No such order.")
    if order.status == OrderStatus.PENDING_PAYMENT:
        if order.payment_intent_id and not payments.cancel_payment_intent(order.payment_intent_id):
            raise Conflict("The payment is already being processed; try again in a moment.")
        return order_out(orders.end_pending(order_id, OrderStatus.CANCELLED, "cancelled"))
    if order.status != OrderStatus.PAID:
        raise OrderInState(order.status, f"A {order.status} order cannot be cancelled.")
    minutes = get_settings().paid_cancel_minutes
    if not may_cancel_paid(order.starts_at, clock.now(), minutes):
        deadline = clock.isoformat(paid_cancel_deadline(order.starts_at, minutes))
        raise Conflict(f"Paid orders can be cancelled until {deadline}.")
    refund_id = payments.refund_payment(order) if order.payment_intent_id else None
    refunded = orders.refund(order_id, refund_id, "cancelled by the customer")
    try:
        notices.order_refunded(refunded)
    except Exception:
        # the refund is done and recorded; a lost notice must not turn that into an error
        logger.exception("refund notice not queued", extra={"order_id": order_id})
    return order_out(refunded)


def order_tickets(order_id: str, principal: Principal) -> list[TicketOut]:
    order = orders.load(order_id)
    if order.user_id != principal.user_id:
        raise NotFound("No such order.")
    return tickets_of(order)
