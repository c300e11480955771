"""Staff grants are per cinema and take effect at once on staff routes."""

from __future__ import annotations

from typing import Any

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.boxoffice.models import StaffGrant
from tests.booking.support import make_showtime, make_users, user_token
from tests.catalog import factories


def test_staff_act_only_at_their_own_cinemas(api: Any) -> None:
    mine = make_showtime(cinema_id="cinema-1")
    theirs = make_showtime(cinema_id="cinema-2")
    _, token = user_token(staff=True, cinema_ids={"cinema-1"})
    staff = api.as_user(token)
    assert staff.get(f"/showtimes/{mine.showtime_id}/checkins").status == 200
    refused = staff.get(f"/showtimes/{theirs.showtime_id}/checkins")
    assert refused.status == 403
    assert refused.json["type"].endswith("other-cinema")


def test_admins_act_everywhere_and_users_nowhere(api: Any) -> None:
    show = make_showtime(cinema_id="cinema-7")
    make_users(["root"], roles={"user", "admin"})
    admin = api.as_user(issue_access_token("root", ["user", "admin"]))
    assert admin.get(f"/reports/showtimes/{show.showtime_id}").status == 200
    _, token = user_token()
    refused = api.as_user(token).get(f"/reports/showtimes/{show.showtime_id}")
    assert refused.status == 403 and refused.json["type"].endswith("not-staff")
    assert api.get(f"/reports/showtimes/{show.showtime_id}").status == 401


def test_a_revoked_grant_stops_working_at_once_though_the_token_still_says_staff(api: Any) -> None:
    show = make_showtime()
    user_id, token = user_token(staff=True)
    staff = api.as_user(token)
    assert staff.get(f"/showtimes/{show.showtime_id}/checkins").status == 200
    make_users([user_id], roles={"user"})  # the admin took the grant away
    assert staff.get(f"/showtimes/{show.showtime_id}/checkins").status == 403


def test_a_new_grant_works_at_once_with_the_old_token(api: Any) -> None:
    show = make_showtime(cinema_id="cinema-3")
    user_id, token = user_token(staff=True, cinema_ids={"cinema-1"})
    staff = api.as_user(token)
    assert staff.get(f"/showtimes/{show.showtime_id}/checkins").status == 403
    make_users([user_id], roles={"user", "box_office"}, cinema_ids={"cinema-3"})
    assert staff.get(f"/showtimes/{show.showtime_id}/checkins").status == 200


def test_admins_grant_staff_per_cinema(api: Any) -> None:
    cinema = factories.cinema(factories.city())
    make_users(["root"], roles={"user", "admin"})
    admin = api.as_user(issue_access_token("root", ["user", "admin"]))
    user_id, _ = user_token()
    granted = admin.post(
        f"/users/{user_id}/roles", json={"roles": ["box_office"], "cinema_ids": [cinema]}
    )
    assert granted.status == 200, granted.json
    assert granted.json["roles"] == ["box_office", "user"]
    assert granted.json["cinema_ids"] == [cinema]
    assert [g.user_id for g in StaffGrant.query(cinema)] == [user_id]
    unknown = admin.post(
        f"/users/{user_id}/roles", json={"roles": ["staff"], "cinema_ids": ["nowhere"]}
    )
    assert unknown.status == 404 and unknown.json["type"].endswith("unknown-reference")
    no_role = admin.post(f"/users/{user_id}/roles", json={"roles": [], "cinema_ids": [cinema]})
    assert no_role.status == 422
    revoked = admin.post(f"/users/{user_id}/roles", json={"roles": []})
    assert revoked.status == 200 and revoked.json["cinema_ids"] == []
    assert list(StaffGrant.query(cinema)) == []
