"""The area tree, province > city > district (seed 002): small, read whole in one Query."""

from __future__ import annotations

from chalicelib.catalog.models import LISTED, Area, Cinema
from chalicelib.catalog.rules import AreaLevel
from chalicelib.catalog.schemas import AreaIn, AreaOut, CinemaRef, area_out
from chalicelib.catalog.support import new_id
from chalicelib.core.dynamo import get_or_none
from chalicelib.core.errors import UnknownReference


def all_areas() -> dict[str, Area]:
    return {a.area_id: a for a in Area.by_kind.query("area")}


def require_area(area_id: str, level: str, field: str) -> Area:
    """The area a filter or a body names, which must exist at that level (404 if not)."""
    area = get_or_none(Area, area_id)
    if area is None or area.level != level:
        raise UnknownReference(field, f"no {level} {area_id!r}")
    return area


def require_city(city_id: str, field: str = "city") -> Area:
    return require_area(city_id, AreaLevel.CITY, field)


def create_area(body: AreaIn) -> AreaOut:
    """A province; a city in a province; a district in a city (404 for a missing parent)."""
    new = body.root
    parent_level = AreaLevel.PARENT.get(new.level)
    if parent_level is not None and new.parent_id is not None:
        require_area(new.parent_id, parent_level, "parent_id")
    area = Area(new_id(), name=new.name, level=new.level, parent_id=new.parent_id)
    area.save(condition=Area.area_id.does_not_exist())
    return area_out(area)


def area_tree() -> list[AreaOut]:
    """Provinces > cities > districts, each city with its (live) cinemas."""
    nodes = {a.area_id: area_out(a) for a in all_areas().values()}
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
