"""Every Lambda gets the environment it needs, only the permissions it needs (tables:
``test_table_access.py``; proven by running: ``test_permissions.py``) and bounded
concurrency."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions import sweeper as sweeper_module
from infrastructure.stages import stage_settings
from tests.infrastructure.conftest import cli_context
from tests.infrastructure.helpers import (
    actions_on,
    functions,
    layers,
    mentions,
    properties,
    ref_id,
    resources,
    role_statements,
)

#: What settling an order needs: Stripe, and the ticket ring for the e-mailed ticket codes.
SETTLING_SECRETS = ("STRIPE_SECRET_ID", "TICKET_KEYS_SECRET_ID")
#: Environment each function reads (``chalicelib.core.config.Settings.env_names()``).
NEEDS = {
    "api": {
        "STAGE",
        "TABLE_PREFIX",
        "MEDIA_BUCKET",
        "MEDIA_BASE_URL",
        "EMAIL_QUEUE_NAME",
        "EMAIL_SENDER",
        "OPENSEARCH_URL",
        "BOXOFFICE_QUEUE_NAME",
        "EXPORTS_BUCKET",
        "JWT_KEYS_SECRET_ID",
        "TICKET_KEYS_SECRET_ID",
        "CURSOR_KEYS_SECRET_ID",
        "STRIPE_SECRET_ID",
        "CORS_ALLOWED_ORIGINS",
    },
    "mailer": {"STAGE", "TABLE_PREFIX", "EMAIL_SENDER", "EMAIL_SEND_RATE"},
    "indexer": {"STAGE", "TABLE_PREFIX", "OPENSEARCH_URL", "OPENSEARCH_REPLICAS"},
    "sweeper": {"STAGE", "TABLE_PREFIX", "EMAIL_QUEUE_NAME", *SETTLING_SECRETS},
    "reconciler": {"STAGE", "TABLE_PREFIX", "EMAIL_QUEUE_NAME", *SETTLING_SECRETS},
    "boxoffice": {
        "STAGE",
        "TABLE_PREFIX",
        "EMAIL_QUEUE_NAME",
        "BOXOFFICE_QUEUE_NAME",
        "EXPORTS_BUCKET",
        *SETTLING_SECRETS,
    },
    "summary": {"STAGE", "TABLE_PREFIX", "EMAIL_QUEUE_NAME", "EMAIL_SENDER"},
}
#: Actions that have no resource-level permissions, so ``*`` is their only resource.
UNSCOPED = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}
DYNAMODB_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}


def lambda_named(template: dict[str, Any], stage: str, key: str) -> dict[str, Any]:
    return functions(template)[f"marquee-{stage}-{key}"]


def statements_of(template: dict[str, Any], stage: str, key: str) -> list[dict[str, Any]]:
    role_id = ref_id(lambda_named(template, stage, key)["Role"])
    assert role_id is not None
    return role_statements(template, role_id)


def secret_id(template: dict[str, Any], name: str) -> str:
    for logical_id, secret in resources(template, "AWS::SecretsManager::Secret").items():
        if secret["Properties"]["Name"].endswith(f"/{name}"):
            return logical_id
    raise AssertionError(f"no secret {name}")


def table_id(template: dict[str, Any], stage: str, short: str) -> str:
    for logical_id, table in resources(template, "AWS::DynamoDB::Table").items():
        if table["Properties"]["TableName"] == f"marquee-{stage}-{short}":
            return logical_id
    raise AssertionError(short)


def queue_id(template: dict[str, Any], stage: str, short: str) -> str:
    return next(
        k
        for k, q in resources(template, "AWS::SQS::Queue").items()
        if q["Properties"]["QueueName"] == f"marquee-{stage}-{short}"
    )


def test_there_are_exactly_the_api_six_functions_and_the_search_mapper(
    synth: Any, template: Any
) -> None:
    expected = [*NEEDS, "search-access"]
    assert sorted(functions(template)) == sorted(f"marquee-{synth.stage}-{k}" for k in expected)


@pytest.mark.parametrize("key", sorted(NEEDS))
def test_each_lambda_has_its_environment_traced_and_on_python_3_11(
    key: str, synth: Any, template: Any
) -> None:
    fn = lambda_named(template, synth.stage, key)
    env = fn["Environment"]["Variables"]
    assert NEEDS[key] <= set(env)
    assert env["STAGE"] == synth.stage
    assert env["TABLE_PREFIX"] == f"marquee-{synth.stage}-"
    assert fn["Runtime"] == "python3.11"
    assert fn.get("Tracing", (fn.get("TracingConfig") or {}).get("Mode")) == "Active"


def test_the_api_environment_is_wired_from_the_resources(synth: Any, template: Any) -> None:
    env = lambda_named(template, synth.stage, "api")["Environment"]["Variables"]
    buckets = resources(template, "AWS::S3::Bucket")
    bucket = next(k for k in buckets if k.startswith("MediaBucket"))
    exports = next(k for k in buckets if k.startswith("ExportsBucket"))
    domain = next(iter(resources(template, "AWS::OpenSearchService::Domain")))
    assert ref_id(env["MEDIA_BUCKET"]) == bucket
    assert ref_id(env["EMAIL_QUEUE_NAME"]) == queue_id(template, synth.stage, "email")
    assert ref_id(env["BOXOFFICE_QUEUE_NAME"]) == queue_id(template, synth.stage, "boxoffice")
    assert ref_id(env["EXPORTS_BUCKET"]) == exports
    assert mentions(env["OPENSEARCH_URL"], domain)
    secret_ids = [env[v] for v in env if v.endswith("_SECRET_ID")]
    for secret in resources(template, "AWS::SecretsManager::Secret"):
        assert sum(mentions(secret_id, secret) for secret_id in secret_ids) == 1
    origin = "https://marquee.example.com" if synth.stage == "prod" else "http://localhost:3000"
    assert env["CORS_ALLOWED_ORIGINS"] == origin


@pytest.mark.parametrize("key", sorted(NEEDS))
def test_no_lambda_has_wildcard_actions_or_unscoped_data_access(
    key: str, synth: Any, template: Any
) -> None:
    for action, resource in actions_on(statements_of(template, synth.stage, key)):
        assert "*" not in action, action
        if resource == "*":
            assert action in UNSCOPED, action


def test_the_mailer_sends_mail_consumes_its_queue_and_writes_only_idempotency(
    synth: Any, template: Any
) -> None:
    pairs = actions_on(statements_of(template, synth.stage, "mailer"))
    actions = {a for a, _ in pairs}
    assert {"ses:SendEmail", "sqs:ReceiveMessage", "sqs:DeleteMessage"} <= actions
    idempotency = table_id(template, synth.stage, "idempotency")
    for action, resource in pairs:
        if action.startswith("dynamodb:"):
            assert mentions(resource, idempotency), (action, resource)
        assert not action.startswith(("s3:", "secretsmanager:", "es:")), action
        if action == "ses:SendEmail":
            assert "identity/no-reply@" in str(resource)


def test_the_indexer_reads_the_movies_stream_and_writes_search_not_tables(
    synth: Any, template: Any
) -> None:
    pairs = actions_on(statements_of(template, synth.stage, "indexer"))
    actions = {a for a, _ in pairs}
    assert not actions & DYNAMODB_WRITES
    assert {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "es:ESHttpPut"} <= actions
    movies = table_id(template, synth.stage, "movies")
    for action, resource in pairs:
        if action in {"dynamodb:GetRecords", "dynamodb:GetShardIterator"}:
            assert mentions(resource, movies)
        assert not action.startswith(("s3:", "secretsmanager:", "ses:")), action


@pytest.mark.parametrize("key", ["sweeper", "reconciler", "boxoffice"])
def test_the_settling_functions_read_the_settlement_keys_only_and_queue_mail(
    key: str, synth: Any, template: Any
) -> None:
    pairs = actions_on(statements_of(template, synth.stage, key))
    actions = {a for a, _ in pairs}
    assert {"secretsmanager:GetSecretValue", "sqs:SendMessage"} <= actions
    assert not {a for a in actions if a.startswith(("es:", "ses:"))}
    if key != "boxoffice":  # the worker writes exports: test_the_box_office_worker_...
        assert not {a for a in actions if a.startswith("s3:")}
    settlement = sorted([secret_id(template, "stripe"), secret_id(template, "ticket")])
    readable = sorted(ref_id(r) or "" for a, r in pairs if a.startswith("secretsmanager:"))
    assert readable == settlement  # not the JWT ring, which mints tokens
    env = lambda_named(template, synth.stage, key)["Environment"]["Variables"]
    assert not {k for k in env if k.endswith("SECRET_ID")} - set(SETTLING_SECRETS)
    assert sorted(ref_id(env[k]) or "" for k in SETTLING_SECRETS) == settlement


def test_the_box_office_worker_queues_its_jobs_and_writes_only_the_exports_bucket(
    synth: Any, template: Any
) -> None:
    pairs = actions_on(statements_of(template, synth.stage, "boxoffice"))
    exports = next(k for k in resources(template, "AWS::S3::Bucket") if k.startswith("Exports"))
    on_objects = {(a, str(r)) for a, r in pairs if a.startswith("s3:")}
    assert {a for a, _ in on_objects} == {"s3:PutObject", "s3:GetObject"}
    assert all(exports in r and "/exports/*" in r for _, r in on_objects)
    queues = {ref_id(r) for a, r in pairs if a == "sqs:SendMessage"}
    assert queues == {
        queue_id(template, synth.stage, "email"),
        queue_id(template, synth.stage, "boxoffice"),
    }


def test_the_daily_summary_reads_tables_and_queues_mail_only(synth: Any, template: Any) -> None:
    pairs = actions_on(statements_of(template, synth.stage, "summary"))
    actions = {a for a, _ in pairs}
    assert not actions & DYNAMODB_WRITES
    assert not {a for a in actions if a.startswith(("s3:", "es:", "ses:", "secretsmanager:"))}
    queues = {ref_id(r) for a, r in pairs if a == "sqs:SendMessage"}
    assert queues == {queue_id(template, synth.stage, "email")}


def test_the_api_uploads_with_tags_and_never_deletes_media(synth: Any, template: Any) -> None:
    pairs = actions_on(statements_of(template, synth.stage, "api"))
    on_objects = {a for a, r in pairs if a.startswith("s3:") and a != "s3:ListBucket"}
    # The presigned POST sets the pending tag; attaching checks the object and drops it.
    assert on_objects == {
        "s3:PutObject",
        "s3:PutObjectTagging",
        "s3:GetObject",
        "s3:DeleteObjectTagging",
    }
    actions = {a for a, _ in pairs}
    assert {"sqs:SendMessage", "secretsmanager:GetSecretValue"} <= actions
    assert {"es:ESHttpGet", "es:ESHttpPost"} <= actions
    assert "es:ESHttpPut" not in actions  # the index is the indexer's
    # Box office: jobs queued, exports only read (to sign their download links).
    exports = next(k for k in resources(template, "AWS::S3::Bucket") if k.startswith("Exports"))
    assert {a for a, r in pairs if exports in str(r)} == {"s3:GetObject"}
    queues = {ref_id(r) for a, r in pairs if a == "sqs:SendMessage"}
    assert queues == {
        queue_id(template, synth.stage, "email"),
        queue_id(template, synth.stage, "boxoffice"),
    }


@pytest.mark.parametrize(("key", "queue"), [("mailer", "email"), ("boxoffice", "boxoffice")])
def test_queue_workers_are_fed_by_their_queue_in_batches_with_partial_failures(
    key: str, queue: str, synth: Any, template: Any
) -> None:
    worker = lambda_named(template, synth.stage, key)
    mappings = [
        m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if ref_id(m["Properties"]["FunctionName"]) == worker["id"]
    ]
    assert len(mappings) == 1
    mapping = mappings[0]
    assert mapping["BatchSize"] > 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ScalingConfig"]["MaximumConcurrency"] <= worker["ReservedConcurrentExecutions"]
    source = properties(template, ref_id(mapping["EventSourceArn"]) or "")
    assert source["QueueName"] == f"marquee-{synth.stage}-{queue}"
    # a message is not handed out again while a worker may still be on it
    assert source["VisibilityTimeout"] >= worker["Timeout"]


def test_indexer_reads_the_stream_bisecting_retrying_and_parking_failures(
    synth: Any, template: Any
) -> None:
    indexer = lambda_named(template, synth.stage, "indexer")
    (mapping,) = [
        m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if ref_id(m["Properties"]["FunctionName"]) == indexer["id"]
    ]
    assert ref_id(mapping["EventSourceArn"]) == table_id(template, synth.stage, "movies")
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 0 < mapping["MaximumRetryAttempts"] <= 10
    failures = mapping["DestinationConfig"]["OnFailure"]["Destination"]
    assert properties(template, ref_id(failures) or "")["QueueName"].endswith("indexer-failures")


@pytest.mark.parametrize(
    ("key", "schedules"),
    [
        ("sweeper", {"rate(1 minute)": "minute", "rate(1 day)": "daily"}),
        ("reconciler", {"rate(1 minute)": "minute"}),
        # 06:00 in Asia/Shanghai (UTC+8, no daylight saving time), the day before's figures
        ("summary", {"cron(0 22 * * ? *)": "daily"}),
    ],
)
def test_scheduled_functions_run_on_their_schedules_never_retried_nor_overlapping(
    key: str, schedules: dict[str, str], synth: Any, template: Any
) -> None:
    function = lambda_named(template, synth.stage, key)
    found = {}
    for rule in resources(template, "AWS::Events::Rule").values():
        (target,) = rule["Properties"]["Targets"]
        if ref_id(target["Arn"]) == function["id"]:
            assert target["RetryPolicy"]["MaximumRetryAttempts"] == 0
            cadence = json.loads(target["Input"])["cadence"]
            found[rule["Properties"]["ScheduleExpression"]] = cadence
    assert found == schedules
    # One run at a time; a failed or timed-out run is not retried (the next one comes).
    assert function["ReservedConcurrentExecutions"] == 1
    (invoke,) = [
        c["Properties"]
        for c in resources(template, "AWS::Lambda::EventInvokeConfig").values()
        if ref_id(c["Properties"]["FunctionName"]) == function["id"]
    ]
    assert invoke["MaximumRetryAttempts"] == 0
    assert invoke["MaximumEventAgeInSeconds"] <= 60
    assert function["Timeout"] < 60  # done before the next minute's run


def test_the_sweeper_runs_every_task_on_one_of_its_schedules() -> None:
    every = set(sweeper_module.tasks_for("minute")) | set(sweeper_module.tasks_for("daily"))
    assert every == set(sweeper_module.TASKS)


def test_every_function_has_reserved_concurrency(synth: Any, template: Any) -> None:
    settings = stage_settings(cli_context(synth.stage).get)
    reserved = {
        name.removeprefix(f"marquee-{synth.stage}-"): fn.get("ReservedConcurrentExecutions")
        for name, fn in functions(template).items()
    }
    assert reserved == {
        "api": settings.concurrency.api,
        "mailer": settings.concurrency.mailer,
        "indexer": settings.concurrency.indexer,
        "sweeper": 1,
        "reconciler": 1,
        "boxoffice": settings.concurrency.boxoffice,
        "summary": 1,
        "search-access": 1,
    }


def test_the_mailers_together_stay_under_the_ses_sending_rate(synth: Any, template: Any) -> None:
    settings = stage_settings(cli_context(synth.stage).get)
    mailer = lambda_named(template, synth.stage, "mailer")
    (mapping,) = [
        m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if ref_id(m["Properties"]["FunctionName"]) == mailer["id"]
    ]
    at_once = mapping["ScalingConfig"]["MaximumConcurrency"]
    assert at_once <= mailer["ReservedConcurrentExecutions"]
    each = float(mailer["Environment"]["Variables"]["EMAIL_SEND_RATE"])
    assert at_once * each <= settings.ses_max_send_rate
    assert mapping["BatchSize"] / each < mailer["Timeout"]  # a paced batch fits its timeout


def test_functions_share_one_dependencies_layer_and_ship_only_the_code(
    synth: Any, template: Any
) -> None:
    (layer_id,) = layers(template)
    assets = set()
    for key in NEEDS:
        fn = lambda_named(template, synth.stage, key)
        assert [ref_id(layer) for layer in fn["Layers"]] == [layer_id]
        if "Code" in fn:
            assets.add(fn["Code"]["S3Key"])
    assert len(assets) == 1  # every function but the API: one code asset
    code_dir = synth.outdir / f"asset.{assets.pop().removesuffix('.zip')}"
    assert sorted(p.name for p in code_dir.iterdir()) == ["chalicelib", "functions"]
    # compiled at build, never a developer's stray cache: one unchecked-hash .pyc per module
    sources = {p.relative_to(code_dir).with_suffix("") for p in code_dir.rglob("*.py")}
    compiled = {
        (p.parent.parent / p.name.split(".")[0]).relative_to(code_dir)
        for p in code_dir.rglob("*.pyc")
    }
    assert compiled == sources
    assert all(p.read_bytes()[4:8] == b"\x01\0\0\0" for p in code_dir.rglob("*.pyc"))
