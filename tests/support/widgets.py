"""A test-only table with a stream, for the generic machinery (pagination, stream pump)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


@register_table
class Widget(Model):
    Meta = table_meta("widgets", stream=True)

    group = UnicodeAttribute(hash_key=True)
    widget_id = UnicodeAttribute(range_key=True)
    size = NumberAttribute(default=0)
