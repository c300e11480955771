"""Box office and operations: what a cinema's staff need to run it on Marquee.

- ``counters``: per-showtime tallies (seats held / sold / blocked / checked in, money),
  kept in the same transactions that move seats and orders, on sharded items.
- ``models``: the box office's tables.
"""
