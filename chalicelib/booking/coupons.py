"""Coupons: staff create a definition and issue it to users; users list theirs with what
each would take off a given order. Using one happens inside the order transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib.accounts.models import User
from chalicelib.booking import catalogue
from chalicelib.booking.models import Coupon, UserCoupon
from chalicelib.booking.rules import (
    CouponRecordStatus,
    CouponTerms,
    coupon_problem,
    discount_for,
)
from chalicelib.booking.schemas import IssuedCouponOut, MyCouponOut, coupon_out
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.errors import UnknownReference
from chalicelib.core.pagination import Page, PageQuery, paginate


def terms_of(coupon: Coupon) -> CouponTerms:
    return CouponTerms(
        coupon_id=coupon.coupon_id,
        kind=coupon.kind,
        valid_from=coupon.valid_from,
        valid_until=coupon.valid_until,
        amount_off=int(coupon.amount_off),
        min_subtotal=int(coupon.min_subtotal),
        percent_off=int(coupon.percent_off),
        movie_id=coupon.movie_id,
        currency=coupon.currency,
    )


def coupon_for(user_id: str, coupon_id: str) -> tuple[CouponTerms, str]:
    """The terms and this user's record status; 404 when the coupon was not issued to them."""
    record = get_or_none(UserCoupon, user_id, coupon_id, consistent_read=True)
    coupon = get_or_none(Coupon, coupon_id) if record else None
    if record is None or coupon is None:
        raise UnknownReference("coupon_id", "no such coupon in your account")
    return terms_of(coupon), record.status


def _require_known(user_ids: list[str], movie_id: str | None) -> None:
    """Issue nothing unless every user (and the movie, for a movie coupon) exists."""
    wanted = list(dict.fromkeys(user_ids))
    found = {user.user_id for user in User.batch_get(wanted, attributes_to_get=["user_id"])}
    unknown = [user_id for user_id in wanted if user_id not in found]
    if unknown:
        raise UnknownReference("user_ids", f"no such user: {', '.join(unknown[:10])}")
    if movie_id is not None and not catalogue.movie_exists(movie_id):
        raise UnknownReference("movie_id", "no such movie")


def create_coupon(
    *,
    name: str,
    kind: str,
    valid_from: datetime,
    valid_until: datetime,
    created_by: str,
    user_ids: list[str],
    amount_off: int = 0,
    min_subtotal: int = 0,
    percent_off: int = 0,
    movie_id: str | None = None,
    currency: str = "cny",
    coupon_id: str | None = None,
) -> IssuedCouponOut:
    """Create the definition, then one unused record per user (an existing record, perhaps
    already used, is left alone: issuing twice does not hand out a second use)."""
    _require_known(user_ids, movie_id)
    now = clock.now()
    coupon = Coupon(
        coupon_id or uuid.uuid4().hex,
        name=name,
        kind=kind,
        amount_off=amount_off,
        min_subtotal=min_subtotal,
        percent_off=percent_off,
        movie_id=movie_id,
        currency=currency.lower(),
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=created_by,
        created_at=now,
    )
    coupon.save()
    issued = 0
    for user_id in dict.fromkeys(user_ids):
        record = UserCoupon(
            user_id,
            coupon.coupon_id,
            status=CouponRecordStatus.UNUSED,
            valid_from=int(valid_from.timestamp()),
            valid_until=int(valid_until.timestamp()),
            issued_at=now,
        )
        issued += _issue(record)
    return IssuedCouponOut(**dict(coupon_out(coupon)), issued_to=issued)


def _issue(record: UserCoupon) -> bool:
    """Write a user's record of a coupon unless they already have one."""
    return conditionally(lambda: record.save(condition=UserCoupon.user_id.does_not_exist()))


def my_coupons(
    user_id: str,
    page: PageQuery,
    subtotal: int | None,
    movie_id: str | None,
    currency: str | None,
) -> Page[MyCouponOut]:
    """Unused, unexpired coupons of the user, each with whether it applies to the order
    described by ``subtotal`` / ``movie_id`` / ``currency`` (when given) and how much."""
    now = clock.now()
    now_epoch = int(now.timestamp())
    records = paginate(
        lambda **kw: UserCoupon.query(
            user_id,
            filter_condition=(UserCoupon.status == CouponRecordStatus.UNUSED)
            & (UserCoupon.valid_until > now_epoch),
            **kw,
        ),
        page,
        scope=f"my-coupons:{user_id}",
        serialize=lambda r: r,
    )
    coupons = {c.coupon_id: c for c in Coupon.batch_get([r.coupon_id for r in records.items])}
    items = []
    for record in records.items:
        coupon = coupons.get(record.coupon_id)
        if coupon is None:
            continue
        terms = terms_of(coupon)
        discount: int | None = None
        if subtotal is not None:
            problem = coupon_problem(
                terms,
                record.status,
                subtotal,
                movie_id if movie_id is not None else (terms.movie_id or ""),
                currency or terms.currency,
                now,
            )
            discount = 0 if problem else discount_for(terms, subtotal)
        else:
            problem = None if now >= terms.valid_from else "the coupon is not valid yet"
        items.append(
            MyCouponOut(
                **dict(coupon_out(coupon)),
                status=record.status,  # only unused ones are read
                eligible=problem is None,
                reason=problem,
                discount=discount,
            )
        )
    return Page[MyCouponOut](items=items, next_cursor=records.next_cursor)
