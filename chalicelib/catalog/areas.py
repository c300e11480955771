"""The area tree, province > city > district (seed 002): small, read whole in one Query."""

from __future__ import annotations

from chalicelib.catalog.models import LISTED, Area, AreaLevel, Cinema
from chalicelib.catalog.schemas import AreaIn, AreaOut, CinemaRef
from chalicelib.catalog.support import new_id
from chalicelib.core.errors import ValidationFailed


def all_areas() -> dict[str, Area]:
    return {a.area_id: a for a in Area.by_kind.query("area")}


def require_area(area_id: str, level: str, field: str) -> Area:
    """The area a filter or a body names, which must exist at that level (422 if not)."""
    try:
        area = Area.get(area_id)
    except Area.DoesNotExist:
        area = None
    if area is None or area.level != level:
        raise ValidationFailed.single(field, f"no {level} {area_id!r}")
    return area


def require_city(city_id: str, field: str = "city") -> Area:
    return require_area(city_id, AreaLevel.CITY, field)


def create_area(body: AreaIn) -> AreaOut:
    parent_level = AreaLevel.PARENT.get(body.level)
    if parent_level is None and body.parent_id is not None:
        raise ValidationFailed.single("parent_id", "a province has no parent")
    if parent_level is not None:
        if body.parent_id is None:
            raise ValidationFailed.single("parent_id", f"a {body.level} needs a {parent_level}")
        require_area(body.parent_id, parent_level, "parent_id")
    area = Area(new_id(), name=body.name, level=body.level, parent_id=body.parent_id)
    area.save(condition=Area.area_id.does_not_exist())
    return AreaOut(area_id=area.area_id, name=area.name, level=area.level, parent_id=area.parent_id)


def area_tree() -> list[AreaOut]:
    """Provinces > cities > districts, each city with its (live) cinemas."""
    nodes = {
        a.area_id: AreaOut(area_id=a.area_id, name=a.name, level=a.level, parent_id=a.parent_id)
        for a in all_areas().values()
    }
    for cinema in Cinema.by_listed.query(LISTED):
        city = nodes.get(cinema.city_id)
        if city is not None:
            city.cinemas.append(
                CinemaRef(
                    cinema_id=cinema.cinema_id, name=cinema.name, district_id=cinema.district_id
                )
            )
    roots: list[AreaOut] = []
    for node in sorted(nodes.values(), key=lambda n: (n.name, n.area_id)):
        node.cinemas.sort(key=lambda c: (c.name, c.cinema_id))
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots
