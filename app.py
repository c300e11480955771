"""The Chalice app: creates ``app``, installs the HTTP conventions, registers the areas.

No business logic here: each area's routes live in ``chalicelib/api/<area>.py``.
"""

from chalicelib.core import coldstart  # first: no garbage collection while the app loads

# isort: split
from chalice import Chalice

from chalicelib.api import (
    accounts,
    booking,
    boxoffice,
    catalog,
    community,
    cors,
    media,
    meta,
    middleware,
    search,
    selling,
)

app = Chalice(app_name="marquee")
app.api.binary_types = []  # every response is text (JSON, problem+json, HTML)
app.api.cors = cors.chalice_config()
middleware.install(app)

for blueprint in (
    meta.bp,
    accounts.bp,
    media.bp,
    community.bp,
    catalog.bp,
    booking.bp,
    boxoffice.bp,
    selling.bp,
    search.bp,
):
    app.register_blueprint(blueprint)

coldstart.loaded()
