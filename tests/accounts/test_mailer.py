"""The mailer sends each message once and, locally, drops it in the outbox."""

from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings, reset_settings
from chalicelib.core.email import EmailMessage, enqueue
from functions import mailer


def _sent_count() -> int:
    return int(client("ses").get_send_quota()["SentLast24Hours"])


def test_a_message_queued_twice_is_sent_once(mailbox: Any) -> None:
    before = _sent_count()
    message = EmailMessage(kind="test", to="ann@example.com", subject="Hi", text="Hello 1")
    enqueue(message)
    enqueue(message)
    assert mailbox.deliver() == 2
    assert _sent_count() == before + 1
    assert len(mailbox.messages("ann@example.com")) == 1


def test_every_sent_message_is_an_eml_in_the_outbox_newest_last(mailbox: Any) -> None:
    for n in range(3):
        enqueue(EmailMessage(kind="test", to="ann@example.com", subject=f"No {n}", text="Hi"))
        mailbox.deliver()
    subjects = [m["Subject"] for m in mailbox.messages("ann@example.com")]
    assert subjects == ["No 0", "No 1", "No 2"]
    outbox = Path(get_settings().outbox_dir or "")
    newest = sorted(outbox.glob("*.eml"))[-1]
    parsed = message_from_bytes(newest.read_bytes())
    assert parsed["From"] == get_settings().email_sender and parsed["Subject"] == "No 2"


def test_the_mailer_announces_each_message_on_stdout(mailbox: Any, capsys: Any) -> None:
    enqueue(EmailMessage(kind="test", to="bob@example.com", subject="Ping", text="Hi"))
    mailbox.deliver()
    assert "bob@example.com" in capsys.readouterr().out


class FakeTime:
    """Monotonic time that moves only when the pacer sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_pacer_spaces_sends_to_the_rate_and_never_waits_without_one() -> None:
    fake = FakeTime()
    pacer = mailer.Pacer(now=lambda: fake.now, sleep=fake.sleep)
    for _ in range(3):
        pacer.wait(4.0)
    assert fake.slept == [0.25, 0.25]
    fake.now += 10  # a quiet spell: the next send goes at once
    pacer.wait(4.0)
    pacer.wait(None)
    assert fake.slept == [0.25, 0.25]


def test_a_batch_is_sent_at_the_configured_rate(
    mailbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    monkeypatch.setattr(mailer, "pacer", mailer.Pacer(now=lambda: fake.now, sleep=fake.sleep))
    monkeypatch.setenv("EMAIL_SEND_RATE", "2")
    reset_settings()
    try:
        for n in range(3):
            enqueue(EmailMessage(kind="test", to="cy@example.com", subject=f"No {n}", text="Hi"))
        assert mailbox.deliver() == 3
    finally:
        monkeypatch.delenv("EMAIL_SEND_RATE")
        reset_settings()
    assert fake.slept == [0.5, 0.5]
    assert len(mailbox.messages("cy@example.com")) == 3
