"""Selling test helpers: vouchers made through the service the API calls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.core import clock
from chalicelib.selling import vouchers


def make_voucher(code: str = "SPRING", **changes: Any) -> str:
    now = clock.now()
    fields: dict[str, Any] = {
        "max_usages": 10,
        "max_usages_per_user": 1,
        "valid_from": now - timedelta(days=1),
        "valid_until": now + timedelta(days=7),
        "scope": "all",
        "scope_id": None,
        "price_mode": "amount_off",
        "value": 1000,
        "currency": "cny",
    }
    fields.update(changes)
    return str(vouchers.create_voucher(code, vouchers.VoucherSpec(**fields), "staff-1").code)
