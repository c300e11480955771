"""Booking: seats, holds, orders, coupons, payments, tickets.

- ``rules``: the pure rules (stranded seat, windows, pricing, order status machine).
- ``models``: the tables (seats, orders + order numbers, coupons, tickets, Stripe events).
- Transactions are ``chalicelib.core.transactions`` (labelled items name what failed).
- ``holds``: seat-level conditions (hold, sell, release), reads of a few seats, the seat map.
- ``plans``: where each seat of a showtime is (immutable, cached per container).
- ``showtimes``: the showtime's sale terms, cached per container and checked in the order's
  transaction on their stamp, on the counter shard the order counts on.
- ``orders``: order transitions as transactions, and the order's public shape.
- ``service``: the use cases behind the routes (quote, place, list, cancel).
- ``payments``: Stripe PaymentIntents, refunds and the signed webhook.
- ``tickets``: HMAC-signed ticket codes and check-in.
- ``coupons``: creating, issuing and listing coupons with their eligibility.
- ``notices``: the e-mails about orders. ``expiry``: the sweeper task. ``seed``: demo data.
"""
