"""(a) Seat holds under contention: our service layer against the two classic ways.

Each run makes a fresh showtime and lets ``CLIENTS`` clients, ``THREADS`` at a time, try
to hold ``SEATS_PER_CLIENT`` adjacent seats each (the same seeded choices for every
contestant), then checks that no seat ended up with two holders.

- service: ``chalicelib.booking.service.hold_order`` — pricing, the stranded-seat rule
  (on, as configured by default), the order and its number, all in one transaction.
- read-then-write: the seeds' optimistic loop with boto3 — read each seat, and if all
  are free, update each on its version; on a lost race give back what was taken and
  read again.
- read-then-write + order: the same loop, then (seats won) the pending order and its
  number written as the service writes them, two conditional PutItems: the same work as
  the service, which the bare loop does not do (it records no order at all).
- raw transaction: one boto3 TransactWriteItems of the seat updates, conditioned on the
  seats being free; nothing else (no order, no rule, no retry).
- raw transaction + order: the same, with the writes the service makes besides the seats
  (the pending order, with its indexes, and its unique number): the floor for any
  design that holds seats and records the order in one transaction.

Choices are aligned pairs (cols 0-1, 2-3, ...) in even-length rows, so the stranded-seat
rule never refuses one: every refusal is a seat someone else holds, for every contestant.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.calls import CallCounter

THREADS = 16
CLIENTS = 400
SEATS_PER_CLIENT = 2
#: seats -> (rows, seats per row)
HALLS = {100: (5, 20), 2000: (40, 50)}
#: how often the read-then-write loop reads again after losing a race on a version
PEER_LOOPS = 5
HOLD_SECONDS = 600
CONTESTANTS = (
    "service",
    "read-then-write",
    "read-then-write + order",
    "raw transaction",
    "raw transaction + order",
)


@dataclass
class Run:
    contestant: str
    seats: int
    seconds: float
    calls: int
    held: int
    refused: int
    python_cpu: float  # seconds of this process (the GIL: at most one core)
    dynamodb_cpu: float  # seconds of DynamoDB Local's process
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return CLIENTS / self.seconds

    @property
    def calls_per_attempt(self) -> float:
        return self.calls / CLIENTS

    @property
    def python_ms(self) -> float:
        return self.python_cpu / CLIENTS * 1000

    @property
    def dynamodb_ms(self) -> float:
        return self.dynamodb_cpu / CLIENTS * 1000


def row_label(index: int) -> str:
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(65 + rest) + label
    return label


def layout(seats: int) -> list[Any]:
    from chalicelib.catalog.rules import SeatSpec

    rows, per_row = HALLS[seats]
    return [
        SeatSpec(f"{row_label(r)}{c + 1:02d}", row_label(r), r, c, "standard")
        for r in range(rows)
        for c in range(per_row)
    ]


def choices(seats: int, seed: int) -> list[list[str]]:
    """Every client's pair: a random aligned pair in a random row."""
    rng = random.Random(seed)
    rows, per_row = HALLS[seats]
    picked = []
    for _ in range(CLIENTS):
        row, pair = rng.randrange(rows), rng.randrange(per_row // SEATS_PER_CLIENT)
        first = pair * SEATS_PER_CLIENT
        picked.append(
            [f"{row_label(row)}{c + 1:02d}" for c in range(first, first + SEATS_PER_CLIENT)]
        )
    return picked


# --- the contestants: (showtime id, client number, seats) -> holder id or None ----------

Attempt = Callable[[str, int, list[str]], str | None]


def service_attempt(showtime_id: str, client: int, seats: list[str]) -> str | None:
    from chalicelib.booking import service
    from chalicelib.core.errors import Conflict

    try:
        order = service.hold_order(f"bench-user-{client}", showtime_id, seats, None)
    except Conflict:
        return None
    return str(order.order_id)


class Boto3Contestants:
    """The two classic ways, written as directly as boto3 allows."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self.dynamodb, self.table = dynamodb, table

    def _key(self, showtime_id: str, seat_id: str) -> dict[str, Any]:
        return {"showtime_id": {"S": showtime_id}, "seat_id": {"S": seat_id}}

    @staticmethod
    def _free(item: dict[str, Any] | None, now: int) -> bool:
        if item is None:
            return False
        status = item["status"]["S"]
        expires = int(item.get("hold_expires_at", {}).get("N", "0"))
        return status == "available" or (status == "held" and expires < now)

    def read_then_write(self, showtime_id: str, client: int, seats: list[str]) -> str | None:
        return self._read_then_write(showtime_id, f"peer-{client}", seats)

    def read_then_write_with_order(
        self, showtime_id: str, client: int, seats: list[str]
    ) -> str | None:
        owner = self._read_then_write(showtime_id, f"peer-{client}-{uuid.uuid4().hex[:12]}", seats)
        if owner is not None:
            for item in self._order_items(owner, seats, int(time.time())):
                self.dynamodb.put_item(**item["Put"])
        return owner

    def _read_then_write(self, showtime_id: str, owner: str, seats: list[str]) -> str | None:
        errors = self.dynamodb.exceptions
        for _ in range(PEER_LOOPS):
            now = int(time.time())
            versions = {}
            for seat_id in seats:
                item = self.dynamodb.get_item(
                    TableName=self.table, Key=self._key(showtime_id, seat_id), ConsistentRead=True
                ).get("Item")
                if not self._free(item, now):
                    return None
                versions[seat_id] = item["version"]["N"] if item else "0"
            taken: list[str] = []
            try:
                for seat_id in seats:
                    self._update(
                        showtime_id,
                        seat_id,
                        "SET #s = :held, order_id = :o, hold_expires_at = :u ADD version :one",
                        "version = :v",
                        {
                            ":held": {"S": "held"},
                            ":o": {"S": owner},
                            ":u": {"N": str(now + HOLD_SECONDS)},
                            ":v": {"N": versions[seat_id]},
                        },
                    )
                    taken.append(seat_id)
                return owner
            except errors.ConditionalCheckFailedException:
                for seat_id in taken:  # give back what this attempt took, then read again
                    self._update(
                        showtime_id,
                        seat_id,
                        "SET #s = :free REMOVE order_id, hold_expires_at ADD version :one",
                        "order_id = :o",
                        {":free": {"S": "available"}, ":o": {"S": owner}},
                    )
        return None

    def _update(
        self,
        showtime_id: str,
        seat_id: str,
        expression: str,
        condition: str,
        values: dict[str, Any],
    ) -> None:
        self.dynamodb.update_item(
            TableName=self.table,
            Key=self._key(showtime_id, seat_id),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={**values, ":one": {"N": "1"}},
        )

    def raw_transaction(self, showtime_id: str, client: int, seats: list[str]) -> str | None:
        return self._transaction(showtime_id, f"raw-{client}", seats, with_order=False)

    def raw_transaction_with_order(
        self, showtime_id: str, client: int, seats: list[str]
    ) -> str | None:
        # the order id (and number) must be new in every run, as the service's are
        owner = f"raw-{client}-{uuid.uuid4().hex[:12]}"
        return self._transaction(showtime_id, owner, seats, with_order=True)

    def _order_items(self, owner: str, seats: list[str], now: int) -> list[dict[str, Any]]:
        """The pending order and its number, as the service writes them."""
        from chalicelib.booking.models import Order, OrderNumber

        stamp = {"S": time.strftime("%Y-%m-%dT%H:%M:%S.000000+0000", time.gmtime(now))}
        number = f"{time.strftime('%Y%m%d%H%M%S', time.gmtime(now))}{owner}"
        order = {
            "order_id": {"S": owner},
            "number": {"S": number},
            "user_id": {"S": f"user-{owner}"},
            "showtime_id": {"S": "bench"},
            "movie_id": {"S": "bench"},
            "starts_at": stamp,
            "seat_ids": {"L": [{"S": s} for s in seats]},
            "lines": {
                "L": [
                    {
                        "M": {
                            "seat_id": {"S": s},
                            "seat_type": {"S": "standard"},
                            "price": {"N": "4500"},
                        }
                    }
                    for s in seats
                ]
            },
            "subtotal": {"N": str(4500 * len(seats))},
            "discount": {"N": "0"},
            "total": {"N": str(4500 * len(seats))},
            "currency": {"S": "cny"},
            "status": {"S": "pending_payment"},
            "hold_expires_at": {"N": str(now + HOLD_SECONDS)},
            "pending_key": {"S": "pending"},
            "created_at": stamp,
            "updated_at": stamp,
        }
        return [
            {
                "Put": {
                    "TableName": Order.Meta.table_name,
                    "Item": order,
                    "ConditionExpression": "attribute_not_exists(order_id)",
                }
            },
            {
                "Put": {
                    "TableName": OrderNumber.Meta.table_name,
                    "Item": {"number": {"S": number}, "order_id": {"S": owner}},
                    "ConditionExpression": "attribute_not_exists(#n)",
                    "ExpressionAttributeNames": {"#n": "number"},
                }
            },
        ]

    def _transaction(
        self, showtime_id: str, owner: str, seats: list[str], *, with_order: bool
    ) -> str | None:
        now = int(time.time())
        extra = self._order_items(owner, seats, now) if with_order else []
        try:
            self.dynamodb.transact_write_items(
                TransactItems=extra
                + [
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": self._key(showtime_id, seat_id),
                            "UpdateExpression": "SET #s = :held, order_id = :o, "
                            "hold_expires_at = :u ADD version :one",
                            "ConditionExpression": "#s = :free OR (#s = :held AND "
                            "hold_expires_at < :now)",
                            "ExpressionAttributeNames": {"#s": "status"},
                            "ExpressionAttributeValues": {
                                ":held": {"S": "held"},
                                ":free": {"S": "available"},
                                ":o": {"S": owner},
                                ":u": {"N": str(now + HOLD_SECONDS)},
                                ":now": {"N": str(now)},
                                ":one": {"N": "1"},
                            },
                        }
                    }
                    for seat_id in seats
                ]
            )
        except self.dynamodb.exceptions.TransactionCanceledException:
            return None
        return owner


def boto3_dynamodb() -> Any:
    """A plain boto3 client, configured as the application's (same endpoint, pool)."""
    import boto3
    from botocore.config import Config

    from chalicelib.core.config import get_settings

    settings = get_settings()
    return boto3.session.Session().client(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=Config(max_pool_connections=64, retries={"max_attempts": 3, "mode": "standard"}),
    )


def run_once(
    name: str,
    attempt: Attempt,
    seats: int,
    picked: list[list[str]],
    counter: CallCounter,
    dynamodb_pid: int,
) -> Run:
    from bench.env import cpu_seconds
    from tests.booking.support import make_showtime

    show = make_showtime(seats=layout(seats))
    counter.reset()
    python_cpu, dynamodb_cpu = time.process_time(), cpu_seconds(dynamodb_pid)
    started = time.perf_counter()
    errors: list[str] = []

    def one(client: int) -> str | None:
        try:
            return attempt(show.showtime_id, client, picked[client])
        except Exception as exc:  # counted and shown, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
            return None

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        holders = list(pool.map(one, range(CLIENTS)))
    seconds = time.perf_counter() - started
    python_cpu = time.process_time() - python_cpu
    dynamodb_cpu = cpu_seconds(dynamodb_pid) - dynamodb_cpu
    calls = counter.value
    verify(show.showtime_id, holders, picked)
    held = sum(1 for h in holders if h)
    refused = CLIENTS - held - len(errors)
    return Run(name, seats, seconds, calls, held, refused, python_cpu, dynamodb_cpu, errors)


def verify(showtime_id: str, holders: list[str | None], picked: list[list[str]]) -> None:
    """No seat in two holds; every seat held belongs to a client told it succeeded."""
    from chalicelib.booking.models import Seat
    from chalicelib.booking.rules import SeatStatus

    claimed: dict[str, str] = {}
    for holder, seats in zip(holders, picked, strict=True):
        if holder is None:
            continue
        for seat_id in seats:
            if seat_id in claimed:
                raise AssertionError(f"seat {seat_id} is in two holds")
            claimed[seat_id] = holder
    stored = {
        s.seat_id: s.order_id
        for s in Seat.query(showtime_id, consistent_read=True)
        if s.status == SeatStatus.HELD
    }
    if stored != claimed:
        raise AssertionError(f"held seats {len(stored)} differ from successes {len(claimed)}")


def measure(rounds: int, counter: CallCounter, dynamodb_pid: int) -> list[Run]:
    """Every contestant on every hall size, ``rounds`` times, interleaved."""
    from chalicelib.booking.models import Seat

    dynamodb = boto3_dynamodb()
    counter.attach(dynamodb)
    counter.attach_application()
    classic = Boto3Contestants(dynamodb, Seat.Meta.table_name)
    attempts: dict[str, Attempt] = {
        "service": service_attempt,
        "read-then-write": classic.read_then_write,
        "read-then-write + order": classic.read_then_write_with_order,
        "raw transaction": classic.raw_transaction,
        "raw transaction + order": classic.raw_transaction_with_order,
    }
    runs = []
    for round_number in range(rounds):
        for seats in HALLS:
            picked = choices(seats, seed=round_number)
            order = list(CONTESTANTS)
            random.Random(round_number).shuffle(order)
            for name in order:
                runs.append(run_once(name, attempts[name], seats, picked, counter, dynamodb_pid))
    return runs
