"""Warm "Lambda containers" for the permission tests.

A container is a fresh Python process started with one function's deployed environment
(resolved to the replica) and the credentials of an IAM user holding exactly that
function's role policy. It imports the code the way a cold start does and then runs the
steps it is sent from ``tests.infrastructure.flows``, one per line of JSON on stdin,
answering on stdout; whatever else the code prints is kept as its log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: Marks a step's answer among the lines the code under test prints.
REPLY = "\x1e"
#: Passed through from the test run: where programs and caches are, nothing about AWS.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "JAVA_HOME")


class StepFailed(AssertionError):
    pass


class Container:
    def __init__(self, name: str, environment: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        env = {k: os.environ[k] for k in _INHERITED if k in os.environ}
        env.update(environment)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.infrastructure.flows"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(log, "w"),  # noqa: SIM115 - owned by the child process
            text=True,
        )
        self.output: list[str] = []

    def run(self, step: str, **args: Any) -> Any:
        """Run one step in the container and return what it returned."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"step": step, "args": args}) + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                log = self.log.read_text()[-3000:]
                raise StepFailed(f"{self.name} exited during {step}:\n{log}")
            if line.startswith(REPLY):
                break
            self.output.append(line)
        reply = json.loads(line[len(REPLY) :])
        if "error" in reply:
            printed = "".join(self.output[-40:])
            raise StepFailed(f"{self.name}: step {step} failed:\n{reply['error']}\n{printed}")
        return reply["ok"]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
