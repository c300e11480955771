"""The Chalice app: creates ``app``, installs the HTTP conventions, registers the areas.

No business logic here: each area's routes live in ``chalicelib/api/<area>.py``.
"""

from chalice import Chalice, CORSConfig

from chalicelib.api import accounts, booking, catalog, community, media, meta, middleware, search
from chalicelib.core.config import get_settings

app = Chalice(app_name="marquee")
app.api.binary_types = []  # every response is text (JSON, problem+json, HTML)
app.api.cors = CORSConfig(
    allow_origin=get_settings().cors_allowed_origins[0],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id"],
    expose_headers=["X-Correlation-Id", "Retry-After", "ETag", "Location"],
    max_age=600,
)
middleware.install(app)

for blueprint in (
    meta.bp,
    accounts.bp,
    media.bp,
    community.bp,
    catalog.bp,
    booking.bp,
    search.bp,
):
    app.register_blueprint(blueprint)
