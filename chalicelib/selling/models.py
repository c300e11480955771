"""Selling tables.

- vouchers: one item per code with its terms and ``used``, the redemptions counted so far.
  Redeeming is an ``ADD used 1`` conditioned on ``used < max_usages`` and the validity
  window (epoch copies), inside the order's own transaction: concurrent orders can never
  redeem a code more often than it allows. ``by_batch`` lists a batch's codes.
- voucher-uses: one item per (code, user) counting that user's redemptions the same way.
- waitlist: one item per (showtime, user) on a sold-out showtime's waiting list, with the
  offer that holds seats for it (``chalicelib.selling.waitlist``).
- reminders-sent: one item per reminder sent (or announcement made), written with a
  condition that it is new, so a scheduled run repeated or overlapping sends nothing twice.
"""

from __future__ import annotations

from typing import Any

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


def _index_meta(name: str) -> Any:
    return type("Meta", (), {"index_name": name, "projection": AllProjection()})


class VoucherBatchIndex(GlobalSecondaryIndex["Voucher"]):
    Meta = _index_meta("by_batch")
    batch_id = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute(range_key=True)


@register_table
class Voucher(Model):
    Meta = table_meta("vouchers")

    code = UnicodeAttribute(hash_key=True)  # upper case
    max_usages = NumberAttribute()
    max_usages_per_user = NumberAttribute()
    used = NumberAttribute(default=0)
    valid_from = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    # epoch copies: the redemption's condition compares them with now
    valid_from_epoch = NumberAttribute()
    valid_until_epoch = NumberAttribute()
    scope = UnicodeAttribute()  # all | movie | cinema | showtime
    scope_id = UnicodeAttribute(null=True)
    price_mode = UnicodeAttribute()  # amount_off | percent_off | set_price
    value = NumberAttribute()
    currency = UnicodeAttribute(default="cny")
    batch_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    by_batch = VoucherBatchIndex()


@register_table
class VoucherUse(Model):
    """How often one user has redeemed one code (orders cancelled or expired give it back)."""

    Meta = table_meta("voucher-uses")

    code = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    uses = NumberAttribute(default=0)


@register_table
class ReminderSent(Model):
    """``before:<order>``, ``on-sale:<movie>:<user>`` or ``on-sale-city:<movie>:<city>``."""

    Meta = table_meta("reminders-sent")

    key = UnicodeAttribute(hash_key=True)
    sent_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


class WaitlistByState(GlobalSecondaryIndex["WaitlistEntry"]):
    """Open entries by state (``waiting`` / ``offered``; closed ones leave it): the
    sweeper's way to live offers that lapsed and showtimes with people waiting."""

    Meta = _index_meta("by-state")
    open_state = UnicodeAttribute(hash_key=True)
    showtime_id = UnicodeAttribute(range_key=True)


class WaitlistByUser(GlobalSecondaryIndex["WaitlistEntry"]):
    Meta = _index_meta("by-user")
    user_id = UnicodeAttribute(hash_key=True)
    position = NumberAttribute(range_key=True)


@register_table
class WaitlistEntry(Model):
    """One user on one showtime's waiting list (``chalicelib.selling.waitlist``). Every
    change is conditional on ``status`` (and ``offer_id``), so two allocations, a lapse and
    an order never act on the same offer twice."""

    Meta = table_meta("waitlist")

    showtime_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    seats = NumberAttribute()  # how many seats the user wants, 1-6
    position = NumberAttribute()  # joined at, epoch milliseconds: served in this order
    status = UnicodeAttribute()  # waiting | offered | accepted | lapsed
    open_state = UnicodeAttribute(null=True)  # = status while open (sparse ``by-state``)
    offer_id = UnicodeAttribute(null=True)
    offer_seat_ids = ListAttribute[str](null=True)
    offer_expires_at = NumberAttribute(null=True)  # epoch seconds
    # every seat ever offered to this user for this showtime: never offered again
    offered_before = ListAttribute[str](null=True)
    notified_at = UTCDateTimeAttribute(null=True)  # the offer's e-mail was queued
    order_id = UnicodeAttribute(null=True)  # the order that accepted the offer
    joined_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)  # a while after the show

    by_state = WaitlistByState()
    by_user = WaitlistByUser()
