"""Community (DOMAIN.md, "Community"): what viewers do around a movie.

- ``rules``: the pure rules (rating moves, thread roots, who may edit/delete, history bound).
- ``models``: the tables (transactions: ``chalicelib.core.transactions``).
- ``movies``: guards and counter ``ADD``s on the catalogue's movie item, titles for lists.
- ``ratings``, ``wants``, ``likes``: per-user marks whose counters move in one transaction.
- ``comments`` (writes) and ``threads`` (reads); ``bans``; ``history``; ``seed`` (demo data).
"""
