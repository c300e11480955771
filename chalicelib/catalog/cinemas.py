"""Cinemas (soft-deleted, never removed) and their halls with validated seat layouts."""

from __future__ import annotations

from chalicelib.catalog.areas import require_area, require_city
from chalicelib.catalog.models import LISTED, Cinema, Hall, Showtime
from chalicelib.catalog.rules import AreaLevel, RuleViolation, SeatSpec, validate_layout
from chalicelib.catalog.schemas import (
    CinemaIn,
    CinemaOut,
    CinemaPatch,
    HallIn,
    HallOut,
    HallPatch,
    Layout,
    cinema_out,
    hall_out,
    layout_rows,
    layout_seats,
)
from chalicelib.catalog.support import new_id, withdraw_future_showtimes
from chalicelib.core import clock
from chalicelib.core.dynamo import conditionally, get_or_404
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed


def live_cinema(cinema_id: str) -> Cinema:
    cinema = get_or_404(Cinema, cinema_id, what="cinema")
    if cinema.deleted:
        raise NotFound("No such cinema.")
    return cinema


def _check_place(city_id: str, district_id: str | None) -> None:
    require_city(city_id, "city_id")
    if district_id is not None:
        district = require_area(district_id, AreaLevel.DISTRICT, "district_id")
        if district.parent_id != city_id:
            raise Conflict("The district is not in that city.")


def create_cinema(body: CinemaIn) -> CinemaOut:
    _check_place(body.city_id, body.district_id)
    now = clock.now()
    cinema = Cinema(
        new_id(),
        name=body.name,
        city_id=body.city_id,
        district_id=body.district_id,
        address=body.address,
        phone=body.phone,
        listed=LISTED,
        created_at=now,
        updated_at=now,
    )
    cinema.save(condition=Cinema.cinema_id.does_not_exist())
    return cinema_out(cinema)


def update_cinema(cinema_id: str, body: CinemaPatch) -> CinemaOut:
    cinema = live_cinema(cinema_id)
    changes = body.changes()
    for name, value in changes.items():
        setattr(cinema, name, value)
    if {"city_id", "district_id"} & set(changes):
        _check_place(cinema.city_id, cinema.district_id)
    cinema.updated_at = clock.now()
    _save_live(cinema)
    return cinema_out(cinema)


def _save_live(cinema: Cinema) -> None:
    if not conditionally(lambda: cinema.save(condition=Cinema.deleted == False)):  # noqa: E712
        raise NotFound("No such cinema.")


def delete_cinema(cinema_id: str) -> None:
    """Soft delete: halls and past showtimes keep pointing at it; lists stop showing it."""
    cinema = live_cinema(cinema_id)
    cinema.deleted = True
    cinema.listed = None
    cinema.updated_at = clock.now()
    _save_live(cinema)
    withdraw_future_showtimes(Showtime.by_cinema, cinema_id)


def get_cinema(cinema_id: str) -> CinemaOut:
    cinema = live_cinema(cinema_id)
    halls = sorted(Hall.by_cinema.query(cinema_id), key=lambda h: (h.name, h.hall_id))
    return cinema_out(cinema, [hall_out(h) for h in halls])


# --- halls ----------------------------------------------------------------------------


def hall_seats(hall: Hall) -> list[SeatSpec]:
    return layout_seats(hall.layout)


def _validated(layout: Layout) -> list[SeatSpec]:
    try:
        return validate_layout(layout_rows(layout))
    except RuleViolation as exc:
        raise ValidationFailed.single(exc.field, exc.message) from exc


def create_hall(cinema_id: str, body: HallIn) -> HallOut:
    live_cinema(cinema_id)
    seats = _validated(body.layout)
    now = clock.now()
    hall = Hall(
        new_id(),
        cinema_id=cinema_id,
        name=body.name,
        layout=body.layout.model_dump(mode="json"),
        seat_count=len(seats),
        created_at=now,
        updated_at=now,
    )
    hall.save(condition=Hall.hall_id.does_not_exist())
    return hall_out(hall)


def get_hall(hall_id: str) -> Hall:
    return get_or_404(Hall, hall_id, what="hall")


def hall_detail(hall_id: str) -> HallOut:
    return hall_out(get_hall(hall_id))


def update_hall(hall_id: str, body: HallPatch) -> HallOut:
    """A new layout applies to showtimes created after it; existing seat maps keep theirs."""
    hall = get_hall(hall_id)
    live_cinema(hall.cinema_id)
    actions = []
    changes = body.changes()
    if "name" in changes:
        hall.name = changes["name"]
        actions.append(Hall.name.set(hall.name))
    if "layout" in changes:
        seats = _validated(changes["layout"])
        hall.layout = changes["layout"].model_dump(mode="json")
        hall.seat_count = len(seats)
        actions += [Hall.layout.set(hall.layout), Hall.seat_count.set(len(seats))]
    if actions:
        hall.updated_at = clock.now()
        hall.update(actions=[*actions, Hall.updated_at.set(hall.updated_at)])
    return hall_out(hall)
