"""Verification codes: sent by e-mail, stored hashed, newest-only, single use.

Sending is one conditional put: it succeeds only when no code was sent to the address
in the last 60 s, so the resend gap holds across containers. Using a code is a
conditional update that callers put inside their own transaction (registration, password
reset), so the code is spent only if the rest of the change commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.accounts.models import VerificationCode
from chalicelib.accounts.rules import (
    CodeState,
    CodeVerdict,
    Purpose,
    code_message,
    generate_code,
    judge_code,
    normalize_email,
    resend_wait_seconds,
)
from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.dynamo import conditionally, get_or_none
from chalicelib.core.email import EmailMessage, enqueue
from chalicelib.core.errors import TooManyRequests, ValidationFailed
from chalicelib.core.signing import InvalidSignature, keyed_digest, kid_of

SUBJECTS = {
    Purpose.REGISTER: "Your Marquee sign-up code",
    Purpose.RESET_PASSWORD: "Your Marquee password reset code",
}


def _key(address: str, purpose: Purpose) -> str:
    return f"{purpose.value}#{address}"


def _hash(code: str, address: str, purpose: Purpose, kid: str | None = None) -> str:
    """Keyed hash (``<kid>.<HMAC>``, the jwt ring): a leaked table does not give the codes
    away, 6 digits being easy to brute-force offline without the key. ``kid``: the key the
    stored hash was made with, so a code sent just before a key rotation still matches."""
    message = code_message(code, address=address, purpose=purpose)
    return keyed_digest("jwt", "verification-code", message, kid)


def invalid_code() -> ValidationFailed:
    # One message whatever was wrong: expired, used, out of tries or mistyped.
    return ValidationFailed.single("code", "is wrong or no longer valid; request a new code")


def send_code(email: str, purpose: Purpose) -> None:
    """Store a new code (replacing any older one) and queue the e-mail that carries it."""
    settings = get_settings()
    address = normalize_email(email)
    now = clock.now()
    code = generate_code()
    gap = timedelta(seconds=settings.code_resend_seconds)
    valid_until = now + timedelta(seconds=settings.code_ttl_seconds)
    item = VerificationCode(
        _key(address, purpose),
        code_hash=_hash(code, address, purpose),
        sent_at=now,
        valid_until=valid_until,
        attempts=0,
        used=False,
        expires_at=max(valid_until, now + gap),
    )
    if not conditionally(
        lambda: item.save(
            condition=VerificationCode.key.does_not_exist()
            | (VerificationCode.sent_at <= now - gap)
        )
    ):
        raise TooManyRequests(
            retry_after=_resend_wait(address, purpose),
            detail="A code was sent to this address a moment ago; wait before asking again.",
        )
    minutes = settings.code_ttl_seconds // 60
    enqueue(
        EmailMessage(
            kind="verification_code",
            to=address,
            subject=SUBJECTS[purpose],
            text=(
                f"Your Marquee verification code is {code}.\n\n"
                f"It is valid for {minutes} minutes and can be used once. "
                "If you did not ask for it, ignore this e-mail.\n"
            ),
        )
    )


def _resend_wait(address: str, purpose: Purpose) -> int:
    item = get_or_none(VerificationCode, _key(address, purpose), consistent_read=True)
    if item is None:
        return 1
    gap = get_settings().code_resend_seconds
    return resend_wait_seconds(item.sent_at, clock.now(), gap) or 1


@dataclass(frozen=True)
class CodeSpend:
    """What a transaction must do to spend a checked code (and the condition that makes
    a concurrent spend of the same code fail)."""

    item: VerificationCode
    actions: list[Action]
    condition: Condition


def check_code(email: str, purpose: Purpose, code: str) -> CodeSpend:
    """Judge a submitted code. A wrong one counts a try (5 kill it); a valid one is
    returned as a ``CodeSpend`` for the caller's transaction."""
    settings = get_settings()
    address = normalize_email(email)
    item = get_or_none(VerificationCode, _key(address, purpose), consistent_read=True)
    try:
        submitted = _hash(code, address, purpose, kid_of(item.code_hash) if item else None)
    except InvalidSignature:
        raise invalid_code() from None  # hashed with a key retired past its window
    state = (
        None
        if item is None
        else CodeState(item.code_hash, item.valid_until, int(item.attempts), bool(item.used))
    )
    verdict = judge_code(state, submitted, clock.now(), settings.code_max_attempts)
    if verdict is CodeVerdict.WRONG and item is not None:
        _count_wrong_try(item)
    if verdict is not CodeVerdict.VALID or item is None:
        raise invalid_code()
    return CodeSpend(
        item=item,
        actions=[VerificationCode.used.set(True)],
        condition=(
            (VerificationCode.used == False)  # noqa: E712 (a DynamoDB condition, not a test)
            & (VerificationCode.code_hash == submitted)
            & (VerificationCode.attempts < settings.code_max_attempts)
        ),
    )


def _count_wrong_try(item: VerificationCode) -> None:
    """ADD one try to this very code (not to a newer one sent meanwhile)."""
    # refused when a newer code replaced it: the wrong try was against a dead code
    conditionally(
        lambda: item.update(
            actions=[VerificationCode.attempts.add(1)],
            condition=VerificationCode.code_hash == item.code_hash,
        )
    )
