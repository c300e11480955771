"""The box office's work queue: long jobs split into SQS messages the box-office worker
(``functions/boxoffice.py``) handles one at a time, so none needs one long Lambda.

Every job is safe to run twice (SQS delivers at least once) and a failed one is retried
by SQS, then parked on the dead-letter queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from chalicelib.core.aws import client, queue_url
from chalicelib.core.config import get_settings

#: SQS takes at most 10 messages per SendMessageBatch
BATCH = 10


class Job(BaseModel):
    job: Literal["cancel_showtime", "cancel_order", "export"]
    showtime_id: str | None = None
    order_id: str | None = None
    export_id: str | None = None


def send(jobs: Iterable[Job]) -> int:
    """Queue the jobs (in batches); returns how many. A batch entry SQS refused is an
    error: the caller's own retry sends it again (jobs are idempotent)."""
    sqs = client("sqs")
    url = queue_url(get_settings().boxoffice_queue_name)
    pending = list(jobs)
    for start in range(0, len(pending), BATCH):
        chunk = pending[start : start + BATCH]
        answer = sqs.send_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "MessageBody": job.model_dump_json(exclude_none=True)}
                for i, job in enumerate(chunk)
            ],
        )
        if answer.get("Failed"):
            raise RuntimeError(f"jobs not queued: {json.dumps(answer['Failed'])}")
    return len(pending)


def run(job: Job) -> str:
    """Do one job; returns what was done (for the log)."""
    # imported here: these modules queue jobs themselves (a cycle at import time)
    if job.job == "cancel_showtime" and job.showtime_id:
        from chalicelib.boxoffice import cancellation

        return f"{cancellation.scan(job.showtime_id)} orders queued"
    if job.job == "cancel_order" and job.showtime_id and job.order_id:
        from chalicelib.boxoffice import cancellation

        return cancellation.settle_order(job.showtime_id, job.order_id)
    if job.job == "export" and job.export_id:
        from chalicelib.boxoffice import exports

        return exports.run_chunk(job.export_id)
    raise ValueError(f"a {job.job} job without its ids")
