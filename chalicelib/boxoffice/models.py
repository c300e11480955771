"""Box office tables.

``ShowtimeCounter``: the tallies of one showtime, split over ``counters.SHARDS`` items
(``shard`` 0..SHARDS-1) so that concurrent holds, each adding to one shard chosen at random
inside its own transaction, rarely touch the same item (a transaction conflict). A tally
is the sum of the shards: one Query. Every shard carries the showtime's cinema and local
day, so the ``by-cinema-day`` index answers a cinema's day or date range in one Query.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
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

    by_cinema_day = CountersByCinemaDay()
