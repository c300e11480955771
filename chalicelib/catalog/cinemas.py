"""Cinemas (soft-deleted, never removed) and their halls with validated seat layouts."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PynamoDBException

from chalicelib.booking.models import SeatSpec
from chalicelib.catalog.areas import require_area, require_city
from chalicelib.catalog.models import LISTED, AreaLevel, Cinema, Hall, Showtime
from chalicelib.catalog.rules import Cell, Row, RuleViolation, seat_types, validate_layout
from chalicelib.catalog.schemas import (
    CinemaIn,
    CinemaOut,
    CinemaPatch,
    HallIn,
    HallOut,
    HallPatch,
    Layout,
)
from chalicelib.catalog.support import condition_failed, new_id, withdraw_future_showtimes
from chalicelib.core import clock
from chalicelib.core.errors import NotFound, ValidationFailed


def cinema_out(cinema: Cinema, halls: list[HallOut] | None = None) -> CinemaOut:
    return CinemaOut(
        cinema_id=cinema.cinema_id,
        name=cinema.name,
        city_id=cinema.city_id,
        district_id=cinema.district_id,
        address=cinema.address,
        phone=cinema.phone,
        halls=halls,
    )


def live_cinema(cinema_id: str) -> Cinema:
    try:
        cinema = Cinema.get(cinema_id)
    except Cinema.DoesNotExist as exc:
        raise NotFound("No such cinema.") from exc
    if cinema.deleted:
        raise NotFound("No such cinema.")
    return cinema


def _check_place(city_id: str, district_id: str | None) -> None:
    require_city(city_id, "city_id")
    if district_id is not None:
        district = require_area(district_id, AreaLevel.DISTRICT, "district_id")
        if district.parent_id != city_id:
            raise ValidationFailed.single("district_id", "the district is not in that city")


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
    sent = body.model_fields_set
    for required in ("name", "city_id", "address"):
        if required in sent and getattr(body, required) is None:
            raise ValidationFailed.single(required, "may not be null")
    for name in ("name", "city_id", "district_id", "address", "phone"):
        if name in sent:
            setattr(cinema, name, getattr(body, name))
    if {"city_id", "district_id"} & sent:
        _check_place(cinema.city_id, cinema.district_id)
    cinema.updated_at = clock.now()
    _save_live(cinema)
    return cinema_out(cinema)


def _save_live(cinema: Cinema) -> None:
    try:
        cinema.save(condition=Cinema.deleted == False)  # noqa: E712
    except PynamoDBException as exc:
        if condition_failed(exc):
            raise NotFound("No such cinema.") from exc
        raise


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


def layout_rows(layout: Layout | dict[str, Any]) -> list[Row]:
    model = layout if isinstance(layout, Layout) else Layout.model_validate(layout)
    return [
        (row.label, [Cell(c.seat_id, c.type) if c else None for c in row.cells])
        for row in model.rows
    ]


def hall_seats(hall: Hall) -> list[SeatSpec]:
    return validate_layout(layout_rows(hall.layout))


def _validated(layout: Layout) -> list[SeatSpec]:
    try:
        return validate_layout(layout_rows(layout))
    except RuleViolation as exc:
        raise ValidationFailed.single(exc.field, exc.message) from exc


def hall_out(hall: Hall) -> HallOut:
    layout = Layout.model_validate(hall.layout)
    return HallOut(
        hall_id=hall.hall_id,
        cinema_id=hall.cinema_id,
        name=hall.name,
        seat_count=int(hall.seat_count),
        seat_types=sorted(seat_types(validate_layout(layout_rows(layout)))),
        layout=layout,
    )


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
    try:
        return Hall.get(hall_id)
    except Hall.DoesNotExist as exc:
        raise NotFound("No such hall.") from exc


def update_hall(hall_id: str, body: HallPatch) -> HallOut:
    """A new layout applies to showtimes created after it; existing seat maps keep theirs."""
    hall = get_hall(hall_id)
    live_cinema(hall.cinema_id)
    actions = []
    if body.name is not None:
        hall.name = body.name
        actions.append(Hall.name.set(body.name))
    if body.layout is not None:
        seats = _validated(body.layout)
        hall.layout = body.layout.model_dump(mode="json")
        hall.seat_count = len(seats)
        actions += [Hall.layout.set(hall.layout), Hall.seat_count.set(len(seats))]
    if actions:
        hall.updated_at = clock.now()
        hall.update(actions=[*actions, Hall.updated_at.set(hall.updated_at)])
    return hall_out(hall)
