"""The Stripe client, imported and built on first use (stripe is heavy for a cold start).

The API key comes from the Stripe secret (``chalicelib.core.secrets``, reloaded on its
TTL): when an operator rolls the key, the next call after the reload builds a client
with the new one. No key yet: 503 ``payments-not-configured``.
"""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.core.config import get_settings
from chalicelib.core.secrets import stripe_api_key

_lock = threading.Lock()
_client: Any = None
_client_key: str | None = None


def stripe_client() -> Any:
    """A ``stripe.StripeClient`` for the configured key and API base (localstripe locally)."""
    global _client, _client_key
    api_key = stripe_api_key()
    if _client is None or _client_key != api_key:
        with _lock:
            if _client is None or _client_key != api_key:
                import stripe

                base = get_settings().stripe_api_base
                _client = stripe.StripeClient(
                    api_key,
                    base_addresses={"api": base} if base else None,
                    max_network_retries=2,
                )
                _client_key = api_key
    return _client


def reset_stripe_client() -> None:
    global _client, _client_key
    with _lock:
        _client, _client_key = None, None
