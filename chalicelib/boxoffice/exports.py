"""CSV exports of a cinema's orders or tickets over a date range.

``POST /exports`` records the export with its work list (the cinema's showtimes in the
range, from the counters' cinema-day index) and queues it. The box-office worker writes
``CHUNK`` showtimes per job as one part object, advances the progress on a condition (a
redelivered job rewrites its part and changes nothing else), and queues the next chunk;
the last joins the parts into one CSV in the private exports bucket.
``GET /exports/{id}`` shows the progress and, once done, a presigned link.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from chalicelib.accounts.tokens import Principal
from chalicelib.booking.models import Order, Ticket
from chalicelib.boxoffice import counters, jobs, staff
from chalicelib.boxoffice.models import Export
from chalicelib.boxoffice.reports import check_range
from chalicelib.boxoffice.schemas import ExportOut
from chalicelib.core import clock
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import conditionally, get_or_404

#: showtimes written per job (a few hundred orders: well inside one short invocation)
CHUNK = 20
MAX_EXPORT_DAYS = 92
#: export records (and their objects, by the bucket's lifecycle) are kept this long
KEPT = timedelta(days=7)
#: every object of the exports bucket is under this prefix (the grants name it)
PREFIX = "exports/"

ORDER_COLUMNS = [
    "order_number",
    "order_id",
    "showtime_id",
    "starts_at",
    "status",
    "channel",
    "paid_by",
    "seats",
    "subtotal",
    "discount",
    "total",
    "refunded",
    "currency",
    "created_at",
]
TICKET_COLUMNS = [
    "ticket_id",
    "order_id",
    "showtime_id",
    "seat_id",
    "status",
    "used_at",
    "checked_in_by",
]


def export_out(export: Export) -> ExportOut:
    done = export.status == "done" and export.object_key
    url: str | None = None
    expires: datetime | None = None
    if done:
        ttl = get_settings().export_url_ttl_seconds
        url = client("s3").generate_presigned_url(
            "get_object",
            Params={"Bucket": get_settings().exports_bucket, "Key": export.object_key},
            ExpiresIn=ttl,
        )
        expires = clock.now() + timedelta(seconds=ttl)
    return ExportOut(
        export_id=export.export_id,
        cinema_id=export.cinema_id,
        kind=export.kind,
        first_day=date.fromisoformat(export.first_day),
        last_day=date.fromisoformat(export.last_day),
        status=export.status,  # type: ignore[arg-type]
        showtimes_total=len(export.showtime_ids),
        showtimes_done=int(export.showtimes_done or 0),
        rows=int(export.rows or 0),
        url=url,
        url_expires_at=expires,
        created_at=export.created_at,
    )


def create_export(
    cinema_id: str, first: date, last: date, kind: str, principal: Principal
) -> ExportOut:
    staff.at_cinema(principal, cinema_id)
    first_day, last_day = check_range(first, last, MAX_EXPORT_DAYS)
    showtime_ids = list(counters.cinema_showtimes(cinema_id, first_day, last_day))
    now = clock.now()
    export = Export(
        uuid.uuid4().hex,
        cinema_id=cinema_id,
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        requested_by=principal.user_id,
        status="queued",
        showtime_ids=showtime_ids,
        created_at=now,
        expires_at=now + KEPT,
    )
    export.save()
    jobs.send([jobs.Job(job="export", export_id=export.export_id)])
    return export_out(export)


def get_export(export_id: str, principal: Principal) -> ExportOut:
    export = get_or_404(Export, export_id, what="export", consistent_read=True)
    staff.at_cinema(principal, export.cinema_id)
    return export_out(export)


def _part_key(export_id: str, start: int) -> str:
    return f"{PREFIX}{export_id}/parts/{start:06d}.csv"


def _order_rows(showtime_id: str) -> Iterator[list[object]]:
    keys = [o.order_id for o in Order.by_showtime.query(showtime_id)]
    for order in sorted(Order.batch_get(keys), key=lambda o: o.created_at):
        yield [
            order.number,
            order.order_id,
            order.showtime_id,
            clock.isoformat(order.starts_at),
            order.status,
            "counter" if order.paid_by else "online",
            order.paid_by or "",
            " ".join(str(s) for s in order.seat_ids),
            int(order.subtotal),
            int(order.discount),
            int(order.total),
            int(order.refunded_amount or 0) if order.status != "refunded" else int(order.total),
            order.currency,
            clock.isoformat(order.created_at),
        ]


def _ticket_rows(showtime_id: str) -> Iterator[list[object]]:
    for ticket in Ticket.by_showtime.query(showtime_id):
        yield [
            f"{ticket.order_id}-{ticket.seat_id}",
            ticket.order_id,
            ticket.showtime_id,
            ticket.seat_id,
            ticket.status,
            clock.isoformat(ticket.used_at) if ticket.used_at else "",
            ticket.checked_in_by or "",
        ]


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def run_chunk(export_id: str) -> str:
    """One job of the export: the next chunk, or the final join. Returns its status."""
    export = Export.get(export_id, consistent_read=True)
    if export.status == "done":
        return "done"
    start = int(export.showtimes_done or 0)
    ids = [str(s) for s in export.showtime_ids]
    s3 = client("s3")
    bucket = get_settings().exports_bucket
    if start < len(ids):
        chunk = ids[start : start + CHUNK]
        make = _order_rows if export.kind == "orders" else _ticket_rows
        rows = [row for showtime_id in chunk for row in make(showtime_id)]
        s3.put_object(
            Bucket=bucket,
            Key=_part_key(export_id, start),
            Body=_csv(rows).encode(),
            ContentType="text/csv",
        )
        counted = conditionally(
            lambda: export.update(
                actions=[
                    Export.showtimes_done.set(start + len(chunk)),
                    Export.rows.add(len(rows)),
                    Export.status.set("running"),
                ],
                condition=Export.showtimes_done == start,
            )
        )
        if not counted:
            return "running"  # a redelivered job: the chunk was counted, its next queued
        jobs.send([jobs.Job(job="export", export_id=export_id)])
        return "running"
    header = ORDER_COLUMNS if export.kind == "orders" else TICKET_COLUMNS
    body = _csv([list[object](header)]) + "".join(
        s3.get_object(Bucket=bucket, Key=_part_key(export_id, part))["Body"].read().decode()
        for part in range(0, len(ids), CHUNK)
    )
    key = f"{PREFIX}{export_id}/{export.kind}-{export.first_day}-{export.last_day}.csv"
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode(), ContentType="text/csv")
    export.update(actions=[Export.status.set("done"), Export.object_key.set(key)])
    return "done"
