"""Demo data for ``make dev``: a welcome coupon in the demo user's account."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.booking.coupons import create_coupon
from chalicelib.booking.models import Coupon
from chalicelib.core import clock
from chalicelib.core.config import get_settings

DEMO_COUPON_ID = "demo-welcome"
DEMO_USERNAME = "alice"


def seed_demo_coupons() -> str:
    """Issue 10.00 off to the demo user once (a second start finds the coupon and skips)."""
    if get_settings().stage != "local":
        return "skipped (demo data exists only in the local stack)"
    try:
        Coupon.get(DEMO_COUPON_ID)
        return "demo coupon already there"
    except Coupon.DoesNotExist:
        pass
    from chalicelib.accounts.rules import LoginKind
    from chalicelib.accounts.service import find_user

    user = find_user(LoginKind.USERNAME, DEMO_USERNAME)
    if user is None:
        return f"skipped (no demo user {DEMO_USERNAME!r})"
    now = clock.now()
    create_coupon(
        coupon_id=DEMO_COUPON_ID,
        name="Welcome: 10.00 off",
        kind="fixed",
        amount_off=1000,
        valid_from=now,
        valid_until=now + timedelta(days=90),
        created_by="seed",
        user_ids=[user.user_id],
    )
    return f"coupon {DEMO_COUPON_ID!r} issued to {DEMO_USERNAME}"
