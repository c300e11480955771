"""The Stripe client, imported and built on first use (stripe is heavy for a cold start)."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.core.config import get_settings

_lock = threading.Lock()
_client: Any = None


def stripe_client() -> Any:
    """A ``stripe.StripeClient`` for the configured key and API base (localstripe locally)."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                import stripe

                settings = get_settings()
                base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
                _client = stripe.StripeClient(
                    settings.require("stripe_api_key"),
                    base_addresses=base,  # type: ignore[arg-type]
                    max_network_retries=2,
                )
    return _client


def reset_stripe_client() -> None:
    global _client
    with _lock:
        _client = None
