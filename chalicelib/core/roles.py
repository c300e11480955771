"""Roles and what each one may do (DOMAIN.md, Accounts). Accounts grants them; every area
checks them, so they live here, below all of them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    MODERATOR = "moderator"  # deletes any comment, bans users
    STAFF = "staff"  # catalogue, showtimes, coupons; box office at the cinemas granted
    BOX_OFFICE = "box_office"  # box office (sales, refunds, check-in) at the cinemas granted
    ADMIN = "admin"  # grants roles; may act as any role


def has_role(granted: frozenset[str] | set[str], required: Role) -> bool:
    """Admins pass every role check; everyone signed in is a ``user``."""
    if required is Role.USER:
        return True
    return required.value in granted or Role.ADMIN.value in granted
