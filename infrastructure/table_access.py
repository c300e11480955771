"""What each Lambda may do with each DynamoDB table: the one statement of its table grants.

``Data.grant`` turns these into IAM statements; the tests hold them to the code:
``tests/infrastructure/test_table_access.py`` reads the source from each function's handler
and requires exactly the tables and indexes it can touch (scans and batch writes only
where it makes them), and ``test_permissions.py`` runs the functions under the
synthesised roles, where a missing grant is a refused call.

A function that starts using another table or index adds it here; the tests say which.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Reads of items, and the condition checks of transactions.
READ_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
)
#: Item writes (a TransactWriteItems is authorised per contained Put/Update/Delete).
WRITE_ACTIONS = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")


@dataclass(frozen=True)
class TableAccess:
    write: bool = True
    indexes: tuple[str, ...] = ()  # the secondary indexes it queries, by name
    scan: bool = False
    batch_write: bool = False

    @property
    def actions(self) -> tuple[str, ...]:
        actions = READ_ACTIONS + (WRITE_ACTIONS if self.write else ())
        if self.scan:
            actions += ("dynamodb:Scan",)
        if self.batch_write:
            actions += ("dynamodb:BatchWriteItem",)
        return actions


RW = TableAccess()
READ = TableAccess(write=False)

TABLE_ACCESS: dict[str, dict[str, TableAccess]] = {
    # The API serves every area, so it reads and writes every table; it never scans.
    "api": {
        "areas": TableAccess(indexes=("by_kind",)),
        "bans": RW,
        "cinemas": TableAccess(indexes=("by_city", "by_listed")),
        "comment-likes": TableAccess(batch_write=True),
        "comments": TableAccess(indexes=("roots-by-movie", "replies-by-root")),
        "coupons": RW,
        "genres": TableAccess(indexes=("by_kind",)),
        "hall-schedules": RW,
        "halls": TableAccess(indexes=("by_cinema",)),
        "history": TableAccess(indexes=("by-time",), batch_write=True),
        "idempotency": RW,
        "login-guards": RW,
        "movie-genres": RW,
        "movies": TableAccess(indexes=("by_status", "by_release")),
        "order-numbers": RW,
        "orders": TableAccess(indexes=("by-user", "by-payment-intent")),
        "rate-limits": RW,
        "ratings": RW,
        "refresh-tokens": TableAccess(indexes=("by-family",)),
        "seats": TableAccess(batch_write=True),
        "seat-plans": RW,  # written with a showtime's seats, read by holds (perf, issue 11)
        "showtimes": TableAccess(
            indexes=("by_movie", "by_cinema", "by_city", "by_day", "by_hall", "by_listed")
        ),
        "stripe-events": RW,
        "tickets": TableAccess(indexes=("by-showtime",)),
        # box office: counters, refunds, cancellations, exports, who works where
        "showtime-counters": TableAccess(indexes=("by-cinema-day",)),
        "refund-records": RW,
        "showtime-cancellations": RW,
        "exports": RW,
        "staff-grants": TableAccess(batch_write=True),
        "token-families": TableAccess(indexes=("by-user",)),
        "user-coupons": RW,
        "user-keys": RW,
        "users": RW,
        "verification-codes": RW,
        "voucher-uses": RW,
        "vouchers": TableAccess(indexes=("by_batch",)),
        "waitlist": TableAccess(indexes=("by-user",)),
        "wants": TableAccess(indexes=("by-time",)),
    },
    # Sent-message records of Powertools' idempotency.
    "mailer": {"idempotency": RW},
    # Reads the movies stream only (granted with its event source).
    "indexer": {},
    # Expires orders (and settles those whose payment it can no longer cancel, as the
    # reconciler does), refreshes movie statuses, tidies the accounts tables.
    "sweeper": {
        "orders": TableAccess(indexes=("pending-by-hold", "by-payment-intent")),
        "seats": RW,
        "tickets": RW,
        "user-coupons": RW,
        "users": READ,  # a settlement's e-mail address; who opted in to reminders
        "showtime-counters": RW,  # moved in the same transactions as the seats
        "vouchers": RW,  # an expired order gives its voucher redemption back
        "voucher-uses": RW,
        "movies": TableAccess(indexes=("by_status",)),
        # reminders: showtimes on sale or about to start, their sold seats, the fans
        # (and a sale's transaction checks the showtime is not cancelled)
        "showtimes": TableAccess(write=False, indexes=("by_listed",)),
        "areas": READ,
        "wants": TableAccess(write=False, indexes=("by-movie",)),
        "reminders-sent": RW,
        # waiting lists: lapsed offers ended, freed seats offered (an expired order's too)
        "waitlist": TableAccess(indexes=("by-state",)),
        # The accounts tidy-ups scan these four (once a day: see functions/sweeper.py).
        "verification-codes": TableAccess(scan=True),
        "refresh-tokens": TableAccess(scan=True),
        "token-families": TableAccess(scan=True),
        "login-guards": TableAccess(scan=True),
    },
    # Settles waiting orders: the order, its seats, tickets and coupon, the buyer's address.
    "reconciler": {
        "orders": TableAccess(indexes=("pending-by-hold", "by-payment-intent")),
        "seats": RW,
        "tickets": RW,
        "user-coupons": RW,
        "vouchers": RW,
        "voucher-uses": RW,
        "users": READ,
        "showtime-counters": RW,
        "showtimes": READ,
        "waitlist": RW,  # the seats a settlement frees are offered to the waiting list
    },
    # Box-office jobs: a cancelled showtime's orders (found by its seats and the orders'
    # by-showtime index), each refunded or cancelled with its seats, tickets, coupon and
    # counters, marked once in cancelled-orders; a late payment settled as the reconciler
    # does (by-payment-intent); the exports' records and the rows they list.
    "boxoffice": {
        "cancelled-orders": RW,
        "exports": RW,
        "orders": TableAccess(indexes=("by-payment-intent", "by-showtime")),
        "refund-records": RW,
        "seats": RW,
        "showtime-cancellations": RW,
        "showtime-counters": RW,
        "showtimes": READ,
        "tickets": TableAccess(write=True, indexes=("by-showtime",)),
        "user-coupons": RW,
        "users": READ,  # the customers' addresses
        "vouchers": RW,  # a cancelled order gives its voucher redemption back
        "voucher-uses": RW,
        "waitlist": RW,  # the seats a settlement frees are offered to the waiting list
    },
    # The daily summary: every listed cinema, its staff and their addresses, its counters.
    "summary": {
        "cinemas": TableAccess(write=False, indexes=("by_listed",)),
        "showtime-counters": TableAccess(write=False, indexes=("by-cinema-day",)),
        "staff-grants": READ,
        "users": READ,
    },
}
