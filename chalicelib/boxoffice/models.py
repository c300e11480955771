"""Box office tables.

``ShowtimeCounter``: the tallies of one showtime, split over ``counters.SHARDS`` items
(``shard`` 0..SHARDS-1) so that concurrent holds, each adding to one shard chosen at random
inside its own transaction, rarely touch the same item (a transaction conflict). A tally
is the sum of the shards: one Query. Every shard carries the showtime's cinema and local
day, so the ``by-cinema-day`` index answers a cinema's day or date range in one Query.
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


class CountersByCinemaDay(GlobalSecondaryIndex["ShowtimeCounter"]):
    """A cinema's showtime counters by the showtimes' local day ("YYYY-MM-DD")."""

    class Meta:
        index_name = "by-cinema-day"
        projection = AllProjection()

    cinema_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)


@register_table
class ShowtimeCounter(Model):
    Meta = table_meta("showtime-counters")

    showtime_id = UnicodeAttribute(hash_key=True)
    shard = NumberAttribute(range_key=True)
    cinema_id = UnicodeAttribute(null=True)
    day = UnicodeAttribute(null=True)
    # seats (capacity only on shard 0; the rest are deltas summed over the shards)
    capacity = NumberAttribute(default=0)
    held = NumberAttribute(default=0)
    sold = NumberAttribute(default=0)
    blocked = NumberAttribute(default=0)
    checked_in = NumberAttribute(default=0)
    # orders and money, minor units of the showtime's currency
    orders = NumberAttribute(default=0)  # orders paid (online or at the counter)
    gross = NumberAttribute(default=0)  # subtotals of paid orders
    discounts = NumberAttribute(default=0)
    refunds = NumberAttribute(default=0)  # amounts refunded
    refunded_seats = NumberAttribute(default=0)
    counter_cash = NumberAttribute(default=0)  # counter sales paid in cash
    counter_terminal = NumberAttribute(default=0)  # counter sales paid by card terminal
    # the showtime's terms stamp, copied on every shard where holds check it
    # (chalicelib/booking/showtimes.py); absent on showtimes from before stamps
    terms_stamp = UnicodeAttribute(null=True)

    by_cinema_day = CountersByCinemaDay()


@register_table
class RefundRecord(Model):
    """A refund staff made (or a showtime's cancellation made), written in the same
    transaction that voids the tickets: who, why, how much, and Stripe's refund id."""

    Meta = table_meta("refund-records")

    order_id = UnicodeAttribute(hash_key=True)
    refund_key = UnicodeAttribute(range_key=True)  # "order" or "tickets:A01,A02"
    amount = NumberAttribute()
    seat_ids = ListAttribute(of=UnicodeAttribute)
    reason = UnicodeAttribute()
    refunded_by = UnicodeAttribute()
    method = UnicodeAttribute()  # stripe | cash | terminal
    refund_id = UnicodeAttribute(null=True)  # Stripe's
    created_at = UTCDateTimeAttribute()


@register_table
class Cancellation(Model):
    """A showtime staff cancelled, and how far its fan-out has got."""

    Meta = table_meta("showtime-cancellations")

    showtime_id = UnicodeAttribute(hash_key=True)
    reason = UnicodeAttribute()
    cancelled_by = UnicodeAttribute()
    cancelled_at = UTCDateTimeAttribute()
    orders_total = NumberAttribute(null=True)  # set once, by the first scan of its seats
    orders_done = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)  # paid orders refunded
    cancelled_pending = NumberAttribute(default=0)  # pending orders cancelled


@register_table
class CancelledOrder(Model):
    """One order a cancellation has dealt with: written once, with the progress count, so
    a redelivered message neither redoes nor recounts it."""

    Meta = table_meta("cancelled-orders")

    showtime_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute(range_key=True)
    outcome = UnicodeAttribute()  # refunded | cancelled | ended
    amount = NumberAttribute(default=0)
    done_at = UTCDateTimeAttribute()


@register_table
class Export(Model):
    """A CSV export of a cinema's orders or tickets over a date range, built in chunks of
    showtimes by the box-office worker; ``showtime_ids`` is the work list."""

    Meta = table_meta("exports")

    export_id = UnicodeAttribute(hash_key=True)
    cinema_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # orders | tickets
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    status = UnicodeAttribute()  # queued | running | done | failed
    showtime_ids = ListAttribute(of=UnicodeAttribute)
    showtimes_done = NumberAttribute(default=0)
    rows = NumberAttribute(default=0)
    object_key = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


@register_table
class StaffGrant(Model):
    """Who works at a cinema (the daily summary's recipients): kept by
    ``staff.grant`` next to ``User.cinema_ids``, which is what access is decided on."""

    Meta = table_meta("staff-grants")

    cinema_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
