"""Demo data for ``make dev``, written once: a second start finds it and skips.

Each area contributes a seeder ``() -> str`` (a one-line summary of what it wrote);
they run in order, so the catalogue exists before anything that refers to it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: "module:function" of every seeder, in dependency order; an area adds its own line.
SEEDERS: tuple[str, ...] = (
    "chalicelib.accounts.seed:seed_demo_accounts",
    "chalicelib.catalog.seed:seed_demo_catalogue",
    "chalicelib.booking.seed:seed_demo_showtimes",
    "chalicelib.community.seed:seed_demo_community",
    "chalicelib.booking.seed:seed_demo_coupons",
    "chalicelib.boxoffice.seed:seed_demo_staff_grants",
    "chalicelib.search.reindex:seed_search_index",  # last: indexes what the others wrote
)


def seeders() -> list[tuple[str, Callable[[], str]]]:
    found = []
    for spec in SEEDERS:
        module, _, name = spec.partition(":")
        found.append((spec, getattr(importlib.import_module(module), name)))
    return found


def seed_demo_data() -> list[str]:
    """Run every seeder; each one is itself idempotent (it checks before writing)."""
    return [f"{spec}: {seeder()}" for spec, seeder in seeders()]
