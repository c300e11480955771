"""Voucher rules, without I/O: validity, limits, scope, currency and the three price modes."""

from datetime import UTC, datetime, timedelta

from chalicelib.selling.voucher_rules import (
    CODE_ALPHABET,
    OrderFacts,
    PriceMode,
    Scope,
    VoucherTerms,
    codes_csv,
    normalise_code,
    random_code,
    voucher_discount,
    voucher_problem,
)

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
FACTS = OrderFacts(movie_id="m1", cinema_id="c1", showtime_id="s1", currency="cny")


def terms(**changes: object) -> VoucherTerms:
    values: dict[str, object] = {
        "code": "SPRING",
        "max_usages": 10,
        "max_usages_per_user": 2,
        "valid_from": NOW - timedelta(days=1),
        "valid_until": NOW + timedelta(days=1),
        "scope": Scope.ALL,
        "scope_id": None,
        "price_mode": PriceMode.AMOUNT_OFF,
        "value": 1000,
        "currency": "cny",
    }
    values.update(changes)
    return VoucherTerms(**values)  # type: ignore[arg-type]


def test_a_voucher_is_usable_within_its_window_and_limits() -> None:
    assert voucher_problem(terms(), 9, 1, FACTS, NOW) is None
    assert voucher_problem(terms(valid_from=NOW + timedelta(seconds=1)), 0, 0, FACTS, NOW) == (
        "the voucher is not valid yet"
    )
    assert voucher_problem(terms(valid_until=NOW), 0, 0, FACTS, NOW) == "the voucher has expired"
    assert voucher_problem(terms(), 10, 0, FACTS, NOW) == "the voucher has been used up"
    assert "as often as it allows" in (voucher_problem(terms(), 3, 2, FACTS, NOW) or "")


def test_a_scoped_voucher_applies_only_to_its_movie_cinema_or_showtime() -> None:
    for scope, right, wrong in [
        (Scope.MOVIE, "m1", "m2"),
        (Scope.CINEMA, "c1", "c2"),
        (Scope.SHOWTIME, "s1", "s2"),
    ]:
        assert voucher_problem(terms(scope=scope, scope_id=right), 0, 0, FACTS, NOW) is None
        problem = voucher_problem(terms(scope=scope, scope_id=wrong), 0, 0, FACTS, NOW)
        assert problem == f"the voucher is for another {scope}"


def test_an_amount_is_in_one_currency_a_percentage_in_any() -> None:
    assert voucher_problem(terms(currency="usd"), 0, 0, FACTS, NOW) == (
        "the voucher is in another currency"
    )
    percent = terms(currency="usd", price_mode=PriceMode.PERCENT_OFF, value=10)
    assert voucher_problem(percent, 0, 0, FACTS, NOW) is None


def test_price_modes_never_make_a_seat_cost_more_or_the_total_negative() -> None:
    lines = [4500, 6000]
    assert voucher_discount(terms(value=1000), lines) == 2000  # per seat
    assert voucher_discount(terms(value=5000), lines) == 4500 + 5000  # capped per seat
    assert voucher_discount(terms(price_mode=PriceMode.PERCENT_OFF, value=25), lines) == 2625
    assert voucher_discount(terms(price_mode=PriceMode.PERCENT_OFF, value=100), lines) == 10500
    assert voucher_discount(terms(price_mode=PriceMode.SET_PRICE, value=5000), lines) == 1000
    assert voucher_discount(terms(price_mode=PriceMode.SET_PRICE, value=0), lines) == 10500
    assert voucher_discount(terms(price_mode=PriceMode.SET_PRICE, value=9000), lines) == 0


def test_codes_are_normalised_random_and_exported_as_csv() -> None:
    assert normalise_code("  spring-26 ") == "SPRING-26"
    codes = {random_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 10 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert codes_csv([("A", 1, 1, "x", "y")]) == (
        "code,max_usages,max_usages_per_user,valid_from,valid_until\nA,1,1,x,y\n"
    )
