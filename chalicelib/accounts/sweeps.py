"""Sweeper tasks (``functions/sweeper``): remove what TTL has not removed yet.

Nothing depends on them for correctness (every read checks expiry and status); they keep
the tables small. A rotated refresh token is kept until it expires, because presenting it
again is how a stolen token is detected.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.accounts.models import LoginGuard, RefreshToken, TokenFamily, VerificationCode
from chalicelib.core.config import get_settings


def sweep_codes(now: datetime) -> int:
    """Delete codes that are dead (used, out of tries or expired) once their resend gap
    is over (the item is also what enforces the gap)."""
    settings = get_settings()
    gap = timedelta(seconds=settings.code_resend_seconds)
    removed = 0
    for code in VerificationCode.scan(VerificationCode.valid_until.exists()):
        dead = code.used or code.attempts >= settings.code_max_attempts or now >= code.valid_until
        if dead and now >= code.sent_at + gap:
            code.delete()
            removed += 1
    return removed


def sweep_sessions(now: datetime) -> int:
    """Delete revoked or expired refresh tokens and token families, and stale login guards."""
    removed = 0
    for token in RefreshToken.scan(
        (RefreshToken.status == "revoked") | (RefreshToken.valid_until <= now)
    ):
        token.delete()
        removed += 1
    for family in TokenFamily.scan(
        (TokenFamily.status == "revoked") | (TokenFamily.expires_at <= now)
    ):
        family.delete()
        removed += 1
    for guard in LoginGuard.scan(LoginGuard.expires_at <= now):
        guard.delete(add_version_condition=False)
        removed += 1
    return removed
