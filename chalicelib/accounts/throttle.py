"""Request rate limits of DOMAIN.md: anonymous callers 100/min per IP, signed-in users
1000/min per user (*config*), counted in DynamoDB so they hold across containers.

Every route pays this, so it must not cost a round trip per request: a per-container
count sits in front of the shared counter (``BatchedLimit``) and adds to it in batches.
A flood is better stopped before any Lambda runs, by a rate rule at the edge (WAF)."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException

from chalicelib.accounts.tokens import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.observability import logger
from chalicelib.core.ratelimit import BatchedLimit

WINDOW_SECONDS = 60
#: this container's request counts (``requests.forget()`` drops them)
requests = BatchedLimit()


def limit_request(principal: Principal | None, source_ip: str | None) -> None:
    """Count one request; raise ``TooManyRequests`` (429 + Retry-After) over the limit.

    When the counter table cannot be reached the request is let through: a limiter must
    not turn a storage hiccup into an outage (``/health`` must still report it).
    """
    settings = get_settings()
    if principal is not None:
        key, limit = f"req:user:{principal.user_id}", settings.rate_limit_user_per_minute
    else:
        key, limit = f"req:ip:{source_ip or 'unknown'}", settings.rate_limit_anonymous_per_minute
    try:
        requests.hit(key, limit, WINDOW_SECONDS)
    except PynamoDBException:
        logger.warning("rate limiter unavailable; request allowed", exc_info=True)


def source_ip(context: dict[str, object] | None) -> str | None:
    """The caller's IP as API Gateway saw it (``requestContext.identity.sourceIp``)."""
    identity = (context or {}).get("identity")
    if isinstance(identity, dict):
        ip = identity.get("sourceIp")
        return str(ip) if ip else None
    return None
