"""pynamodb wiring shared by every area's ``models.py``.

Each table is one pynamodb model declared next to the code that owns it, with
``Meta = table_meta("short-name")`` and ``@register_table``. The registry is what the
local bootstrap creates, what the tests truncate and what the CDK app deploys, so a
table is described exactly once.

Table names and the endpoint are bound when a model class is defined (pynamodb reads
``Meta`` then), so the environment must be set before ``chalicelib`` models are imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import NotFound

#: Modules that define tables. A new area adds its models module here.
MODEL_MODULES: tuple[str, ...] = (
    "chalicelib.core.idempotency",
    "chalicelib.core.ratelimit",
    "chalicelib.accounts.models",
    "chalicelib.booking.models",
    "chalicelib.catalog.models",
    "chalicelib.community.models",
    "chalicelib.selling.models",
    "chalicelib.boxoffice.models",
)

_registry: dict[str, type[Model]] = {}

M = TypeVar("M", bound=type[Model])
T = TypeVar("T", bound=Model)


def table_meta(short_name: str, *, stream: bool = False) -> Any:
    """A pynamodb ``Meta`` bound to the configured prefix, region and endpoint."""
    settings = get_settings()
    attrs: dict[str, Any] = {
        "table_name": settings.table_name(short_name),
        "region": settings.region,
        "host": settings.dynamodb_endpoint,
        "billing_mode": "PAY_PER_REQUEST",
        "connect_timeout_seconds": 3,
        "read_timeout_seconds": 10,
        "max_retry_attempts": 3,
        "short_name": short_name,
    }
    if stream:
        attrs["stream_view_type"] = "NEW_AND_OLD_IMAGES"
    return type("Meta", (), attrs)


def register_table(model: M) -> M:
    _registry[model.Meta.table_name] = model
    return model


def get_or_404(
    model: type[T],
    hash_key: Any,
    range_key: Any = None,
    *,
    what: str,
    consistent_read: bool = False,
    attributes_to_get: list[str] | None = None,
) -> T:
    """The item, or ``NotFound("No such <what>.")``: the one way a read by key says 404."""
    try:
        return model.get(
            hash_key,
            range_key,
            consistent_read=consistent_read,
            attributes_to_get=attributes_to_get,
        )
    except model.DoesNotExist as exc:
        raise NotFound(f"No such {what}.") from exc


def get_or_none(
    model: type[T], hash_key: Any, range_key: Any = None, *, consistent_read: bool = False
) -> T | None:
    """The item, or ``None`` when there is none."""
    try:
        return model.get(hash_key, range_key, consistent_read=consistent_read)
    except model.DoesNotExist:
        return None


def condition_failed(exc: PynamoDBException) -> bool:
    """Did a single-item write fail because its condition did not hold?"""
    return exc.cause_response_code == "ConditionalCheckFailedException"


def conditionally(write: Callable[[], object]) -> bool:
    """Run one conditional single-item write (``item.save(condition=...)``,
    ``item.update(..., condition=...)``, ``item.delete(...)``): ``False`` when its
    condition did not hold, so nothing was written; any other failure is raised.
    (Several items at once: ``chalicelib.core.transactions``.)"""
    try:
        write()
    except PynamoDBException as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def all_models() -> list[type[Model]]:
    """Every table model of the application, importing the model modules on demand."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return list(_registry.values())


def short_name(model: type[Model]) -> str:
    return str(model.Meta.short_name)  # type: ignore[attr-defined]


def key_attribute_names(model: type[Model]) -> list[str]:
    names = [model._hash_keyname]
    if model._range_keyname:
        names.append(model._range_keyname)
    return [n for n in names if n]


def create_missing_tables() -> list[str]:
    """Create every registered table that does not exist yet (idempotent)."""
    created = []
    for model in all_models():
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
    return created


def truncate_tables() -> None:
    """Delete every item of every table (tests use this between cases). The tables are
    emptied concurrently: each is a few round trips, almost all of them waiting."""
    dynamodb = client("dynamodb")
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda model: _truncate(dynamodb, model), all_models()))


def _truncate(dynamodb: Any, model: type[Model]) -> None:
    keys = key_attribute_names(model)
    names = {f"#k{i}": k for i, k in enumerate(keys)}
    kwargs: dict[str, Any] = {
        "TableName": model.Meta.table_name,
        "ProjectionExpression": ", ".join(names),
        "ExpressionAttributeNames": names,
    }
    while True:
        page = dynamodb.scan(**kwargs)
        items = page.get("Items", [])
        for start in range(0, len(items), 25):
            requests = [{"DeleteRequest": {"Key": item}} for item in items[start : start + 25]]
            pending: dict[str, Any] = {model.Meta.table_name: requests}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get(
                    "UnprocessedItems", {}
                )
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
