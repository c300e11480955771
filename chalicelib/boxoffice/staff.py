"""Who may act at a cinema's box office, decided on the user's record as it is NOW.

A ``staff`` or ``box_office`` grant names the cinemas it is for (``User.cinema_ids``);
``admin`` acts everywhere. Staff routes do not trust the roles in the access token (they
live 15 minutes): every staff request reads the user's record (one strongly consistent
GetItem), so a revoked grant stops working at once and a new one works at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.accounts import profile
from chalicelib.accounts.models import User
from chalicelib.accounts.tokens import Principal
from chalicelib.boxoffice.models import StaffGrant
from chalicelib.catalog.models import LISTED, Cinema
from chalicelib.core.errors import Forbidden, UnknownReference, ValidationFailed
from chalicelib.core.roles import Role

#: the roles that act at a cinema they are granted (admin acts at every cinema)
CINEMA_ROLES = frozenset({Role.STAFF.value, Role.BOX_OFFICE.value})


class NotStaff(Forbidden):
    slug, title = "not-staff", "Not Staff"


class OtherCinema(Forbidden):
    """Staff of other cinemas: the object belongs to a cinema this grant does not name."""

    slug, title = "other-cinema", "Another Cinema's"


@dataclass(frozen=True)
class StaffMember:
    user_id: str
    is_admin: bool
    cinema_ids: frozenset[str]

    def acts_at(self, cinema_id: str) -> bool:
        return self.is_admin or cinema_id in self.cinema_ids

    def check_cinema(self, cinema_id: str) -> None:
        if not self.acts_at(cinema_id):
            raise OtherCinema("You are not staff of this cinema.")


def staff_member(principal: Principal) -> StaffMember:
    """The caller's grant as stored now; ``NotStaff`` (403) when there is none."""
    try:
        user = User.get(
            principal.user_id,
            consistent_read=True,
            attributes_to_get=["user_id", "roles", "cinema_ids", "is_active"],
        )
    except User.DoesNotExist as exc:
        raise NotStaff("This needs a staff grant.") from exc
    roles = set(user.roles or ())
    is_admin = Role.ADMIN.value in roles
    cinemas = frozenset(user.cinema_ids or ()) if roles & CINEMA_ROLES else frozenset()
    if not user.is_active or not (is_admin or cinemas):
        raise NotStaff("This needs a staff grant for a cinema.")
    return StaffMember(user.user_id, is_admin, cinemas)


def at_cinema(principal: Principal, cinema_id: str) -> StaffMember:
    """The caller, who must be staff of ``cinema_id`` now (403 otherwise)."""
    member = staff_member(principal)
    member.check_cinema(cinema_id)
    return member


def grant(user_id: str, roles: list[Role], cinema_ids: list[str] | None) -> User:
    """Set a user's roles and the cinemas of a staff/box-office grant (admins do this).
    Every cinema named must exist (404 ``unknown-reference`` otherwise); naming cinemas
    without a role that acts at one is a 422. The cinemas' staff lists follow."""
    if cinema_ids and not {r.value for r in roles} & CINEMA_ROLES:
        raise ValidationFailed.single("cinema_ids", "only a staff or box_office grant has cinemas")
    if cinema_ids:
        found = {c.cinema_id for c in Cinema.batch_get(set(cinema_ids)) if not c.deleted}
        unknown = sorted(set(cinema_ids) - found)
        if unknown:
            raise UnknownReference("cinema_ids", f"no such cinemas: {', '.join(unknown)}")
    before = set(profile.get_user(user_id).cinema_ids or ())
    user = profile.set_roles(user_id, roles, cinema_ids)
    after = set(user.cinema_ids or ())
    with StaffGrant.batch_write() as batch:
        for cinema_id in after:
            batch.save(StaffGrant(cinema_id, user_id))
        for cinema_id in before - after:
            batch.delete(StaffGrant(cinema_id, user_id))
    return user


def staff_of(cinema_id: str) -> list[User]:
    """The active staff of a cinema as their records say now (a stale list entry of a
    revoked grant is skipped)."""
    ids = [g.user_id for g in StaffGrant.query(cinema_id)]
    return [
        u
        for u in User.batch_get(ids)
        if u.is_active and cinema_id in (u.cinema_ids or ()) and set(u.roles) & CINEMA_ROLES
    ]


def cinema_ids_listed() -> list[str]:
    """Every cinema that is not deleted."""
    return [c.cinema_id for c in Cinema.by_listed.query(LISTED)]
