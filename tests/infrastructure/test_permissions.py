"""Every Lambda's role is proven sufficient, and its table grants used, by running its
code under it.

The prod template's resources are recreated on the stand-ins (``replica``): S3, SQS, SES
and Secrets Manager in a moto server that enforces IAM (``iam_moto``), DynamoDB behind a
gate that authorises each call as DynamoDB does (``dynamodb_gate``). Each function runs in
its own container process with its deployed environment and the keys of an IAM user that
holds exactly its role's policy (``containers``), through its real flows (``flows``):
sign-up and its e-mail, an avatar uploaded from the browser and attached, an order paid
through Stripe's webhook and its confirmation, payments whose webhook was lost settled by
the reconciler and by the sweeper, the e-mails, the movie index following the stream, both
sweeps. A permission missing from a role is a refusal, and a refusal fails these tests —
as the last one shows, with one permission removed.

Search is the exception: the indexer writes to the session's OpenSearch node, which has
no IAM, so the search grants are checked against the domain's policy instead
(``test_resources.py``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from infrastructure.stages import stage_settings
from local.services import Service, free_port
from tests.infrastructure.conftest import Synth, cli_context
from tests.infrastructure.containers import Container, StepFailed
from tests.infrastructure.dynamodb_gate import DynamoDBGate
from tests.infrastructure.helpers import as_list
from tests.infrastructure.replica import Replica

STAGE = "prod"
#: The functions run here, by role key (the search-access mapper runs once per deploy).
FLOWS = ("api", "mailer", "indexer", "sweeper", "reconciler", "boxoffice", "summary")
PASSWORD = "correct-horse-9"
ADMINISTRATOR = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
_STATUS = re.compile(r'" (\d{3}) ')  # werkzeug's access log: "GET /path HTTP/1.1" 200 -


def function_name(key: str) -> str:
    return f"marquee-{STAGE}-{key}"


@dataclass
class World:
    """The replica, its stand-ins, the IAM users, and the containers started so far."""

    replica: Replica
    gate: DynamoDBGate
    gate_url: str
    moto: Service
    dynamodb_url: str
    stripe_url: str
    opensearch_url: str
    tmp: Path
    keys: dict[str, dict[str, str]] = field(default_factory=dict)
    containers: dict[str, Container] = field(default_factory=dict)
    log_start: int = 0

    @property
    def moto_url(self) -> str:
        return self.moto.url

    def client(self, service: str, user: str = "administrator") -> Any:
        return boto3.client(
            service,
            region_name=self.replica.region,
            endpoint_url=self.moto_url,
            aws_access_key_id=self.keys[user]["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.keys[user]["AWS_SECRET_ACCESS_KEY"],
        )

    def add_user(self, name: str, policy: dict[str, Any]) -> None:
        """An IAM user holding ``policy`` and nothing else, known to moto and the gate."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="role", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.keys[name] = {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        self.gate.admit(key["AccessKeyId"], name, policy)

    def start(self, function: str, user: str | None = None) -> Container:
        """A container of ``function`` with ``user``'s keys (the function's own by default)."""
        user = user or function
        env = {
            **self.replica.environment(function),
            **self.keys[user],
            "AWS_REGION": self.replica.region,
            "AWS_DEFAULT_REGION": self.replica.region,
            "AWS_ENDPOINT_URL_DYNAMODB": self.gate_url,
            "AWS_ENDPOINT_URL_S3": self.moto_url,
            "AWS_ENDPOINT_URL_SQS": self.moto_url,
            "AWS_ENDPOINT_URL_SES": self.moto_url,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": self.moto_url,
            "STRIPE_API_BASE": self.stripe_url,
            # The session's OpenSearch node stands in for the domain (no IAM on it).
            "OPENSEARCH_URL": self.opensearch_url,
            "OPENSEARCH_REPLICAS": "0",
            "OUTBOX_DIR": str(self.tmp / "outbox"),
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "64",
            "ARGON2_PARALLELISM": "1",
        }
        container = Container(user, env, self.tmp / f"{user}.log")
        self.containers[user] = container
        return container

    def moto_refusals(self) -> list[str]:
        """Requests moto refused (403) since enforcement was switched on."""
        log = Path(self.moto.log_path or "").read_text(errors="replace")[self.log_start :]
        return [line for line in log.splitlines() if (m := _STATUS.search(line)) and m[1] == "403"]

    def code_sent_to(self, address: str) -> str:
        for path in sorted((self.tmp / "outbox").glob("*.eml"), reverse=True):
            message = message_from_bytes(path.read_bytes())
            if message["To"] == address:
                found = re.search(r"\b(\d{6})\b", message.get_payload(decode=True).decode())
                assert found, message.get_payload()
                return found[1]
        raise AssertionError(f"no e-mail to {address}")

    def sign_up_admin(self, api: Container, email: str, username: str) -> None:
        """Sign up through the API, then promote the account to administrator in the table
        itself, as an operator makes the first administrator (only an administrator may
        grant roles through the API); the API's staff steps act as it from then on."""
        token = self.sign_up(api, email, username)
        user_id = api.run("act_as", token=token)
        local = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
        dynamodb = boto3.client(
            "dynamodb", region_name="us-east-1", endpoint_url=self.dynamodb_url, **local
        )
        dynamodb.update_item(
            TableName=f"marquee-{STAGE}-users",
            Key={"user_id": {"S": user_id}},
            UpdateExpression="ADD #roles :admin",
            ExpressionAttributeNames={"#roles": "roles"},
            ExpressionAttributeValues={":admin": {"SS": ["admin"]}},
        )

    def table_key(self, name: str) -> str:
        """The logical id of the table named ``marquee-<stage>-<name>``."""
        (key,) = [k for (k, a), v in self.replica.values.items() if v == f"marquee-{STAGE}-{name}"]
        return str(key)

    def sign_up(self, api: Container, email: str, username: str) -> str:
        """Ask the API for a code, let the mailer send it, register: an access token."""
        api.run("request_code", email=email)
        assert self.containers[function_name("mailer")].run("deliver_mail") == 1
        code = self.code_sent_to(email)
        return str(
            api.run("register", email=email, username=username, code=code, password=PASSWORD)
        )


@pytest.fixture(scope="module")
def world(
    stack: Any, synths: dict[str, Synth], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("permissions")
    settings = stage_settings(cli_context(STAGE).get)
    moto_port = free_port()
    moto = Service(
        "moto server (IAM enforced)",
        moto_port,
        [
            sys.executable,
            "-m",
            "tests.infrastructure.iam_moto",
            "-H",
            "127.0.0.1",
            "-p",
            str(moto_port),
        ],
        log_path=tmp / "moto.log",
    ).start()
    dynamodb_url = f"http://127.0.0.1:{stack.ports.dynamodb}"
    gate = DynamoDBGate(dynamodb_url)
    gate_port = free_port()
    gate.start(gate_port)
    world = World(
        replica=Replica(synths[STAGE].template, settings.region),
        gate=gate,
        gate_url=f"http://127.0.0.1:{gate_port}",
        moto=moto,
        dynamodb_url=dynamodb_url,
        stripe_url=f"http://127.0.0.1:{stack.ports.stripe}",
        opensearch_url=f"http://127.0.0.1:{stack.ports.opensearch}",
        tmp=tmp,
    )
    try:
        # Until enforcement is on moto takes any key: create the administrator with one.
        world.keys["administrator"] = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
        world.add_user("administrator", ADMINISTRATOR)
        local = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
        world.replica.create(
            dynamodb=boto3.client(
                "dynamodb", region_name="us-east-1", endpoint_url=dynamodb_url, **local
            ),
            s3=world.client("s3"),
            sqs=world.client("sqs"),
            ses=world.client("ses"),
            secrets=world.client("secretsmanager"),
        )
        for key in FLOWS:
            world.add_user(function_name(key), world.replica.policy(function_name(key)))
        world.log_start = len(Path(moto.log_path or "").read_text(errors="replace"))
        requests.post(f"{moto.url}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()
        yield world
    finally:
        for container in world.containers.values():
            container.stop()
        gate.stop()
        moto.stop()


@pytest.fixture(scope="module")
def scenario(world: World) -> dict[str, Any]:
    """Every function's flows, in the order they happen in production."""
    api, mailer, indexer, sweeper, reconciler, boxoffice, summary = (
        world.start(function_name(k)) for k in FLOWS
    )
    movies = world.table_key("movies")
    indexer.run("follow_movies", stream_arn=world.replica.values[(movies, "StreamArn")])

    world.sign_up_admin(api, "sam@example.com", "sam")
    cody = world.sign_up(api, "cody@example.com", "cody")  # staff of a cinema, below
    token = world.sign_up(api, "ann@example.com", "ann")
    avatar = api.run("upload_avatar", token=token)
    now = datetime.now(UTC)

    def at(**delta: float) -> str:
        return (now + timedelta(**delta)).isoformat()

    def place(**options: Any) -> dict[str, str]:
        return dict(api.run("place_order", **{"token": token, **options}))

    orders = {
        "paid": place(pay=True),
        "pending": place(pay=False, coupon=True),
        "pending_voucher": place(pay=False, voucher=True),
        "lost_webhook": place(pay=True, webhook=False),
        "seats_taken": place(pay=True, webhook=False, coupon=True),
        "voucher_seats_taken": place(pay=True, webhook=False, voucher=True),
    }
    # Once their holds are over, other orders take the seats of the unsettled paid ones.
    for taken, buyer in (("seats_taken", "user-bob"), ("voucher_seats_taken", "user-cy")):
        orders[f"taker_of_{taken}"] = place(
            pay=False, showtime_id=orders[taken]["showtime_id"], at=at(minutes=20), buyer=buyer
        )
    # The reconciler sells the first and refunds the other two (coupon and voucher back;
    # the seats each frees are offered to the showtime's waiting list).
    reconciled = reconciler.run("reconcile", at=at(minutes=25))
    # On sale in a city that exists: the sweeper's reminders read it, its fans, its area.
    api.run("list_for_sale", showtime_id=orders["paid"]["showtime_id"])
    # Paid, its webhook lost, and its hold over before the reconciler ran: the sweeper
    # cannot cancel the intent, so it settles the payment itself.
    orders["swept_payment"] = place(pay=True, webhook=False)
    api.run("add_movie", release_in_days=1)
    # Two days on: the pending orders' holds are over, the new movie is showing.
    swept = {
        c: sweeper.run("sweep", at=at(days=2), cadence=c)["results"] for c in ("minute", "daily")
    }
    status = {name: api.run("order_status", order_id=o["order_id"]) for name, o in orders.items()}

    # The box office: a cinema and its staff member; a showtime there with a paid order, a
    # pending one with a coupon, one with a voucher and one paid whose webhook was lost,
    # cancelled; the worker refunds the first, cancels the pending ones (coupon and voucher
    # back, the freed seats' waiting list read) and settles the last at the closed sales
    # gate (refunded, cancelled); the cinema's orders exported; the next
    # morning's summary e-mailed to its staff.
    cinema_id = api.run("open_cinema")
    api.run("grant_staff", token=cody, cinema_id=cinema_id)
    show = place(pay=True, cinema_id=cinema_id)
    pending = place(pay=False, coupon=True, showtime_id=show["showtime_id"], row="B")
    late = place(pay=True, webhook=False, showtime_id=show["showtime_id"], row="C")
    with_voucher = place(pay=False, voucher=True, showtime_id=show["showtime_id"], row="D")
    api.run("cancel_showtime", showtime_id=show["showtime_id"])
    jobs = boxoffice.run("work_jobs")
    cancelled = {
        name: api.run("order_status", order_id=o["order_id"])
        for name, o in (
            ("paid", show),
            ("pending", pending),
            ("late", late),
            ("with_voucher", with_voucher),
        )
    }
    starts = api.run("showtime_starts", showtime_id=show["showtime_id"])
    day = datetime.fromisoformat(starts).astimezone(UTC).date()
    export_id = api.run(
        "export_orders",
        cinema_id=cinema_id,
        first=(day - timedelta(days=1)).isoformat(),
        last=(day + timedelta(days=1)).isoformat(),
    )
    jobs += boxoffice.run("work_jobs")
    # The next day at 02:00 UTC, 10:00 where the cinemas are (Asia/Shanghai): the summary
    # of the day before there is of the showtime's day.
    morning = datetime.combine(day + timedelta(days=1), time(2), tzinfo=UTC)
    summarized = summary.run("summarize", at=morning.isoformat())
    return {
        "avatar": avatar,
        "reconciled": reconciled["settled"],
        "swept": swept,
        "mailed": mailer.run("deliver_mail"),
        "indexed": indexer.run("index_changes", at_least=6),  # 5 showtimes' movies, 1 new
        "status": status,
        "cancellation": api.run("cancellation", showtime_id=show["showtime_id"]),
        "cancelled": cancelled,
        "jobs": jobs,
        "csv": api.run("download_export", export_id=export_id),
        "orders": tuple(o["order_id"] for o in (show, pending, late, with_voucher)),
        "summarized": summarized,
    }


def test_every_function_runs_its_flows_under_its_role_without_a_refusal(
    world: World, scenario: dict[str, Any]
) -> None:
    assert world.gate.refused() == []
    assert world.moto_refusals() == []
    assert scenario["status"] == {
        "paid": "paid",
        "pending": "expired",
        "pending_voucher": "expired",  # its voucher back, by the sweeper
        "lost_webhook": "paid",  # by the reconciler
        "seats_taken": "expired",  # by the reconciler, refunded
        "voucher_seats_taken": "expired",  # by the reconciler, refunded
        "taker_of_seats_taken": "expired",
        "taker_of_voucher_seats_taken": "expired",
        "swept_payment": "paid",  # by the sweeper
    }
    assert scenario["reconciled"] == 3
    # confirmations, the refund's notice, the cancellation's three, the summary
    assert scenario["mailed"] >= 8
    assert scenario["indexed"] >= 6
    for results in scenario["swept"].values():
        assert "failed" not in results.values(), scenario["swept"]
    minute = scenario["swept"]["minute"]
    assert minute["chalicelib.booking.expiry:expire_pending_orders"] == 4
    assert minute["chalicelib.catalog.movies:refresh_movie_statuses"] >= 1
    bucket = world.replica.environment(function_name("api"))["MEDIA_BUCKET"]
    # The box office: the cancelled showtime's orders settled by the worker, exported by it
    # (read back through the API's presigned link), and summed up for its staff.
    assert scenario["cancelled"] == {
        "paid": "refunded",
        "pending": "cancelled",
        "late": "cancelled",
        "with_voucher": "cancelled",
    }
    progress = scenario["cancellation"]
    assert (progress["status"], progress["orders_done"], progress["orders_total"]) == ("done", 4, 4)
    assert scenario["jobs"] >= 7  # the scan, four orders, the export's chunk and its join
    header, *rows = scenario["csv"].splitlines()
    assert header.startswith("order_number,order_id,")
    assert sorted(r.split(",")[1] for r in rows) == sorted(scenario["orders"])
    assert scenario["summarized"]["emails"] == 1  # cody, the cinema's one staff member
    tags = world.client("s3").get_object_tagging(Bucket=bucket, Key=scenario["avatar"]["key"])
    assert tags["TagSet"] == []  # attached: the abandoned-upload rule no longer applies


def table_grants(policy: dict[str, Any]) -> set[str]:
    """The table ARNs a policy grants item actions on (not indexes, not streams)."""
    return {
        resource
        for s in policy["Statement"]
        if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))
        for resource in as_list(s["Resource"])
        if ":table/" in resource and "/stream/" not in resource and "/index/" not in resource
    }


@pytest.mark.parametrize(
    "key", ["mailer", "indexer", "sweeper", "reconciler", "boxoffice", "summary"]
)
def test_event_functions_use_every_table_they_are_granted(
    key: str, world: World, scenario: dict[str, Any]
) -> None:
    """Their flows run their whole handler, so a table the run never used is not needed.
    (Indexes are held to the code by ``test_table_access``: a settlement reads the order by
    its intent's index only for a payment that names no order, which these flows never make.)"""
    name = function_name(key)
    used = {resource.split("/index/")[0] for _, resource in world.gate.used_by(name)}
    unused = table_grants(world.replica.policy(name)) - used
    assert not unused, sorted(unused)


def without(policy: dict[str, Any], action: str) -> dict[str, Any]:
    statements = []
    for statement in policy["Statement"]:
        actions = [a for a in as_list(statement["Action"]) if a != action]
        if actions:
            statements.append({**statement, "Action": actions})
    return {**policy, "Statement": statements}


def test_a_role_short_of_one_permission_fails_its_flow(
    world: World, scenario: dict[str, Any]
) -> None:
    """The control: the API's policy without the permission a tagged upload needs."""
    world.add_user(
        "api-without-tagging",
        without(world.replica.policy(function_name("api")), "s3:PutObjectTagging"),
    )
    api = world.start(function_name("api"), user="api-without-tagging")
    token = world.sign_up(api, "bob@example.com", "bob")
    with pytest.raises(StepFailed, match="AccessDenied"):
        api.run("upload_avatar", token=token)
    (refused,) = world.moto_refusals()
    assert "POST /replica-mediabucket" in refused  # the browser's upload
