"""The upload policy table: each kind's role, types, size and key prefix."""

import base64
import json
from typing import Any

import pytest

from chalicelib.accounts.tokens import issue_access_token

MB = 1024 * 1024


def _presign(user: Any, kind: str, size: int = 1000, content_type: str = "image/jpeg") -> Any:
    return user.post("/uploads", json={"kind": kind, "content_type": content_type, "size": size})


@pytest.mark.parametrize(("kind", "prefix"), [("poster", "posters/"), ("still", "stills/")])
def test_staff_upload_catalogue_images_up_to_ten_mb(api: Any, kind: str, prefix: str) -> None:
    staff = api.as_user(issue_access_token("staff-1", ["staff"]))
    grant = _presign(staff, kind, 10 * MB)
    assert grant.status == 200, grant.text
    assert grant.json["key"].startswith(prefix)
    policy = json.loads(base64.b64decode(grant.json["fields"]["policy"]))
    assert ["content-length-range", 1, 10 * MB] in policy["conditions"]
    assert _presign(staff, kind, 10 * MB + 1).status == 422


@pytest.mark.parametrize("kind", ["poster", "still"])
def test_users_may_not_upload_catalogue_images(api: Any, kind: str) -> None:
    user = api.as_user(issue_access_token("user-1", ["user"]))
    assert _presign(user, kind).status == 403
