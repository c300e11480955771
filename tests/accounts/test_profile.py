"""GET/PATCH /me with validation of every field; avatars uploaded straight to S3."""

import base64
import json
from typing import Any

import pytest
import requests

from chalicelib.accounts.tokens import issue_access_token
from chalicelib.media.uploads import PENDING_TAGGING
from tests.accounts.support import register

MB = 1024 * 1024


@pytest.fixture
def ann(api: Any, mailbox: Any) -> Any:
    body = register(api, mailbox, "ann@example.com", "ann")
    return api.as_user(body["access_token"])


def test_me_needs_a_signed_in_user(api: Any) -> None:
    assert api.get("/me").status == 401


def test_me_shows_the_profile(ann: Any) -> None:
    me = ann.get("/me").json
    assert me["username"] == "ann" and me["email"] == "ann@example.com"
    assert me["gender"] == "unspecified" and me["avatar_url"] is None
    assert "password_hash" not in me


def test_patch_me_changes_only_the_fields_sent(ann: Any) -> None:
    changed = ann.patch(
        "/me",
        json={"nick_name": "Annie", "birthday": "1990-05-01", "gender": "female", "city": "上海"},
    )
    assert changed.status == 200, changed.text
    assert changed.json["nick_name"] == "Annie" and changed.json["city"] == "上海"
    again = ann.patch("/me", json={"city": None}).json
    assert again["city"] is None and again["nick_name"] == "Annie"
    assert again["birthday"] == "1990-05-01" and again["gender"] == "female"


@pytest.mark.parametrize(
    "body",
    [
        {"nick_name": "x" * 51},
        {"city": "x" * 101},
        {"gender": "other"},
        {"birthday": "1990-13-01"},
        {"mobile": "13800138000"},
        {"mobile": "+0123"},
        {"email": "new@example.com"},
        {"roles": ["admin"]},
    ],
)
def test_patch_me_validates_every_field(ann: Any, body: dict[str, Any]) -> None:
    refused = ann.patch("/me", json=body)
    assert refused.status == 422, body
    assert refused.json["errors"][0]["field"] == next(iter(body))


def test_a_mobile_is_unique(api: Any, mailbox: Any, ann: Any) -> None:
    bob = api.as_user(register(api, mailbox, "bob@example.com", "bob")["access_token"])
    assert ann.patch("/me", json={"mobile": "+8613800138000"}).status == 200
    taken = bob.patch("/me", json={"mobile": "+8613800138000"})
    assert taken.status == 409 and taken.json["field"] == "mobile"
    # Moving to another number frees the old one.
    assert ann.patch("/me", json={"mobile": "+8613900139000"}).status == 200
    assert bob.patch("/me", json={"mobile": "+8613800138000"}).status == 200


def _presign(user: Any, content_type: str = "image/png", size: int = 1000) -> Any:
    return user.post(
        "/uploads", json={"kind": "avatar", "content_type": content_type, "size": size}
    )


def _upload(grant: dict[str, Any], data: bytes, content_type: str = "image/png") -> int:
    files = {"file": ("avatar", data, content_type)}
    return requests.post(grant["url"], data=grant["fields"], files=files, timeout=10).status_code


def _tag_pending(key: str) -> None:
    from chalicelib.core.aws import client
    from chalicelib.core.config import get_settings

    client("s3").put_object_tagging(
        Bucket=get_settings().media_bucket,
        Key=key,
        Tagging={"TagSet": [{"Key": "marquee-upload", "Value": "pending"}]},
    )


def _tags(key: str) -> dict[str, str]:
    from chalicelib.core.aws import client
    from chalicelib.core.config import get_settings

    found = client("s3").get_object_tagging(Bucket=get_settings().media_bucket, Key=key)
    return {t["Key"]: t["Value"] for t in found["TagSet"]}


def test_an_avatar_is_uploaded_to_s3_and_shown_with_a_url(ann: Any) -> None:
    grant = _presign(ann)
    assert grant.status == 200, grant.text
    assert set(grant.json) >= {"url", "fields", "key", "expires_in"}
    me_id = ann.get("/me").json["user_id"]
    assert grant.json["key"].startswith(f"avatars/{me_id}/")
    image = b"\x89PNG\r\n\x1a\n" + b"0" * 500
    assert _upload(grant.json, image) in (200, 201, 204)
    assert grant.json["fields"]["tagging"] == PENDING_TAGGING
    # S3 applies the form's tagging field to the object; moto ignores it, so apply it here.
    _tag_pending(grant.json["key"])
    changed = ann.patch("/me", json={"avatar_key": grant.json["key"]})
    assert changed.status == 200, changed.text
    assert _tags(grant.json["key"]) == {}  # attached: the lifecycle rule no longer expires it
    url = ann.get("/me").json["avatar_url"]
    assert requests.get(url, timeout=10).content == image


def test_the_upload_policy_enforces_type_and_size(ann: Any) -> None:
    grant = _presign(ann, "image/webp", 2000).json
    policy = json.loads(base64.b64decode(grant["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "image/webp"} in conditions
    assert {"tagging": PENDING_TAGGING} in conditions  # every upload starts pending
    assert ["content-length-range", 1, 5 * MB] in conditions
    assert grant["fields"]["Content-Type"] == "image/webp"


@pytest.mark.parametrize(
    ("content_type", "size", "field"),
    [("image/gif", 1000, "content_type"), ("image/png", 5 * MB + 1, "size")],
)
def test_uploads_outside_the_avatar_rules_are_refused(
    ann: Any, content_type: str, size: int, field: str
) -> None:
    refused = _presign(ann, content_type, size)
    assert refused.status == 422
    assert refused.json["errors"][0]["field"] == field


def test_an_unknown_upload_kind_is_422(ann: Any) -> None:
    refused = ann.post("/uploads", json={"kind": "movie", "content_type": "image/png", "size": 1})
    assert refused.status == 422


def test_uploads_need_a_signed_in_user(api: Any) -> None:
    assert (
        api.post("/uploads", json={"kind": "avatar", "content_type": "image/png", "size": 1}).status
        == 401
    )


def test_an_avatar_key_that_was_never_uploaded_is_refused(ann: Any) -> None:
    grant = _presign(ann).json
    refused = ann.patch("/me", json={"avatar_key": grant["key"]})
    assert refused.status == 404 and refused.json["errors"][0]["field"] == "avatar_key"


def test_another_users_avatar_key_is_refused(api: Any, ann: Any) -> None:
    bob = api.as_user(issue_access_token("bob-id", ["user"]))
    grant = _presign(bob).json
    assert _upload(grant, b"\x89PNG" + b"1" * 100) in (200, 201, 204)
    assert ann.patch("/me", json={"avatar_key": grant["key"]}).status == 404


@pytest.mark.parametrize(
    ("data", "stored_as"),
    [
        (b"<html><script>alert(1)</script></html>", "text/html"),  # the type S3 stored
        (b"<html><script>alert(1)</script></html>", "image/png"),  # the bytes
        (b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg"),  # a JPEG under a .png grant
    ],
    ids=["html-as-html", "html-as-png", "jpeg-as-png-key"],
)
def test_an_avatar_whose_content_is_not_the_granted_image_is_never_attached(
    ann: Any, data: bytes, stored_as: str
) -> None:
    """Finding 7: HTML uploaded where image/png was declared became the avatar (moto does
    not enforce the POST policy; real S3 would, but attach must not rely on it)."""
    from chalicelib.core.aws import client
    from chalicelib.core.config import get_settings

    grant = _presign(ann, "image/png").json
    # the form's Content-Type field breaks the policy: moto stores it anyway
    forged = {**grant, "fields": {**grant["fields"], "Content-Type": stored_as}}
    assert _upload(forged, data, stored_as) in (200, 201, 204)
    head = client("s3").head_object(Bucket=get_settings().media_bucket, Key=grant["key"])
    assert head["ContentType"] == stored_as
    refused = ann.patch("/me", json={"avatar_key": grant["key"]})
    assert refused.status == 404 and refused.json["errors"][0]["field"] == "avatar_key"
    assert ann.get("/me").json["avatar_url"] is None


def test_an_oversized_object_is_never_attached(ann: Any) -> None:
    """S3 refuses a file over the policy's limit; should a stand-in store one anyway,
    attaching it is still refused because the API checks the stored size."""
    grant = _presign(ann).json
    status = _upload(grant, b"0" * (5 * MB + 1))
    if status in (200, 201, 204):
        assert ann.patch("/me", json={"avatar_key": grant["key"]}).status == 404
    else:
        assert status in (400, 403)
