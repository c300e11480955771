"""The showtime's sales gate, checked inside the transactions that sell.

Cancelling a showtime sets ``cancelled_at`` on it in one write. A payment (``orders.pay``)
or a counter sale carries a ConditionCheck that the showtime is not cancelled, so once the
cancellation has committed no sale of it can commit; one that committed first is found
and refunded by the cancellation's fan-out. (Holds check the showtime's terms stamp,
which the cancellation changes too.)
"""

from __future__ import annotations

from chalicelib.catalog.models import Showtime
from chalicelib.core.transactions import Transaction

LABEL = "sales-gate"


def add_sales_open(tx: Transaction, showtime_id: str) -> None:
    """``tx`` fails on ``LABEL`` if the showtime has been cancelled by then."""
    tx.check(LABEL, Showtime, showtime_id, Showtime.cancelled_at.does_not_exist())
