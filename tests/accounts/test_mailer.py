"""The mailer sends each message once and, locally, drops it in the outbox."""

from email import message_from_bytes
from pathlib import Path
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.email import EmailMessage, enqueue


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
