import base64

import pytest

from chalicelib.core.errors import BadRequest
from chalicelib.core.pagination import PageQuery, decode_cursor, encode_cursor, paginate
from tests.support.widgets import Widget


def _fill(count: int) -> None:
    with Widget.batch_write() as batch:
        for i in range(count):
            batch.save(Widget(group="g", widget_id=f"w{i:03d}", size=i))


def _page(limit: int, cursor: str | None = None):
    return paginate(
        lambda **kw: Widget.query("g", **kw),
        PageQuery(limit=limit, cursor=cursor),
        scope="widgets:g",
        serialize=lambda w: w.widget_id,
    )


def test_pages_walk_the_whole_list_once_in_order() -> None:
    _fill(25)
    seen, cursor = [], None
    for _ in range(10):
        page = _page(10, cursor)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"w{i:03d}" for i in range(25)]


def test_limit_defaults_to_10_and_is_capped_at_100() -> None:
    assert PageQuery().limit == 10
    with pytest.raises(ValueError):
        PageQuery(limit=101)
    with pytest.raises(ValueError):
        PageQuery(limit=0)


def test_a_tampered_cursor_is_rejected() -> None:
    _fill(3)
    cursor = _page(1).next_cursor
    assert cursor
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-3] ^= 0x01
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(BadRequest):
        _page(1, forged)
    with pytest.raises(BadRequest):
        _page(1, "not-a-cursor")


def test_a_cursor_is_bound_to_its_list() -> None:
    cursor = encode_cursor({"group": {"S": "g"}}, "widgets:g")
    assert decode_cursor(cursor, "widgets:g") == {"group": {"S": "g"}}
    with pytest.raises(BadRequest):
        decode_cursor(cursor, "widgets:other")
