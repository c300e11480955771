"""(b) The seat map, the hottest anonymous read: our Lambda handler (``app(event,
context)``: routing, middleware, rate limiting, the service, JSON) against a raw boto3
Query of the same showtime's seat items.

Samples alternate between the two, so both see the same machine. Each request comes from
its own source IP, as a crowd of browsers would (one IP would meet the anonymous rate
limit, 100 a minute, long before the samples are done).
"""

from __future__ import annotations

import contextlib
import io
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: seats -> (rows, seats per row): the issue's 198-seat hall, and a premiere's 2000
HALLS = {198: (11, 18), 2000: (40, 50)}
WARMUP = 20
RAW = "raw Query"  # the baseline: every attribute of every seat item

Call = Callable[[int], None]


@dataclass
class Timing:
    name: str
    seats: int
    samples: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class LambdaContext:
    function_name = "marquee-bench-api"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:000000000000:function:marquee-bench-api"

    def __init__(self) -> None:
        self.aws_request_id = uuid.uuid4().hex

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def seat_map_event(showtime_id: str, source_ip: str) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event for ``GET /showtimes/{id}/seats``."""
    resource = "/showtimes/{showtime_id}/seats"
    return {
        "resource": resource,
        "path": f"/showtimes/{showtime_id}/seats",
        "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "api.example.com"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"showtime_id": showtime_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": "GET",
            "path": f"/api/showtimes/{showtime_id}/seats",
            "requestId": uuid.uuid4().hex,
            "identity": {"sourceIp": source_ip},
            "stage": "api",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def _contestants(app: Any, dynamodb: Any, showtime_id: str, seats: int) -> dict[str, Call]:
    from chalicelib.booking.holds import MAP_ATTRIBUTES
    from chalicelib.booking.models import Seat

    context = LambdaContext()

    def handler(n: int) -> None:
        ip = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        # the metrics' EMF lines go where Lambda's stdout would (made, not shown)
        with contextlib.redirect_stdout(io.StringIO()):
            response = app(seat_map_event(showtime_id, ip), context)
        if response["statusCode"] != 200:
            raise AssertionError(f"seat map answered {response['statusCode']}")

    def raw_query(projection: list[str] | None) -> Call:
        kwargs: dict[str, Any] = {
            "TableName": Seat.Meta.table_name,
            "KeyConditionExpression": "showtime_id = :s",
            "ExpressionAttributeValues": {":s": {"S": showtime_id}},
            "ConsistentRead": True,
        }
        if projection:
            names = {f"#a{i}": name for i, name in enumerate(projection)}
            kwargs["ProjectionExpression"] = ", ".join(names)
            kwargs["ExpressionAttributeNames"] = names

        def query(_: int) -> None:
            items, page_kwargs = [], dict(kwargs)
            while True:
                page = dynamodb.query(**page_kwargs)
                items += page["Items"]
                if "LastEvaluatedKey" not in page:
                    break
                page_kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            if len(items) != seats:
                raise AssertionError(f"raw query found {len(items)} seats")

        return query

    return {
        "handler": handler,
        RAW: raw_query(None),
        "raw Query, handler's attributes": raw_query(MAP_ATTRIBUTES),
    }


def measure(samples: int) -> list[Timing]:
    from app import app
    from bench.holds import boto3_dynamodb, row_label
    from chalicelib.catalog.rules import SeatSpec
    from tests.booking.support import make_showtime

    dynamodb = boto3_dynamodb()
    timings = []
    for seats, (rows, per_row) in HALLS.items():
        layout = [
            SeatSpec(f"{row_label(r)}{c + 1:02d}", row_label(r), r, c, "standard")
            for r in range(rows)
            for c in range(per_row)
        ]
        showtime_id = make_showtime(seats=layout).showtime_id
        contestants = _contestants(app, dynamodb, showtime_id, seats)
        found: dict[str, list[float]] = {name: [] for name in contestants}
        names = list(contestants)
        for n in range(WARMUP + samples):
            for name in names if n % 2 else reversed(names):
                started = time.perf_counter()
                contestants[name](n)
                if n >= WARMUP:
                    found[name].append(time.perf_counter() - started)
        timings += [Timing(name, seats, found[name]) for name in contestants]
    return timings
