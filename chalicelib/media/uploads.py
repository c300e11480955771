"""Browser uploads straight to S3 with a presigned POST.

``UPLOAD_KINDS`` is the one table of what may be uploaded: per kind, the allowed content
types, the largest size, the role required and where the key goes. The POST policy
makes S3 itself refuse another content type or a larger file, so the API never handles
the bytes. An area that needs a new kind adds one line here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.accounts.roles import Role, has_role
from chalicelib.accounts.tokens import Principal
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Forbidden, ValidationFailed

MB = 1024 * 1024
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True)
class UploadKind:
    content_types: dict[str, str]  # content type -> file extension
    max_bytes: int
    role: Role
    prefix: str  # "{user_id}" is replaced by the uploader's id, so keys are per user


UPLOAD_KINDS: dict[str, UploadKind] = {
    "avatar": UploadKind(IMAGE_TYPES, 5 * MB, Role.USER, "avatars/{user_id}/"),
    "poster": UploadKind(IMAGE_TYPES, 10 * MB, Role.STAFF, "posters/"),
    "still": UploadKind(IMAGE_TYPES, 10 * MB, Role.STAFF, "stills/"),
}


def kind_of(name: str) -> UploadKind:
    found = UPLOAD_KINDS.get(name)
    if found is None:
        raise ValidationFailed.single("kind", f"must be one of {sorted(UPLOAD_KINDS)}")
    return found


#: Every upload starts tagged pending; objects never attached expire by lifecycle rule
#: (``infrastructure/components/media.py``).
PENDING_TAG = ("marquee-upload", "pending")
PENDING_TAGGING = (
    f"<Tagging><TagSet><Tag><Key>{PENDING_TAG[0]}</Key><Value>{PENDING_TAG[1]}</Value></Tag>"
    "</TagSet></Tagging>"
)


def key_prefix(kind_name: str, user_id: str) -> str:
    return kind_of(kind_name).prefix.format(user_id=user_id)


def presign_upload(
    kind_name: str, content_type: str, size: int, principal: Principal
) -> dict[str, Any]:
    """``{url, fields, key, expires_in}`` for one upload the caller may make."""
    kind = kind_of(kind_name)
    if not has_role(principal.roles, kind.role):
        raise Forbidden(f"Uploading a {kind_name} needs the {kind.role.value!r} role.")
    extension = kind.content_types.get(content_type)
    if extension is None:
        raise ValidationFailed.single(
            "content_type", f"must be one of {sorted(kind.content_types)}"
        )
    if size > kind.max_bytes:
        raise ValidationFailed.single("size", f"must be at most {kind.max_bytes} bytes")
    settings = get_settings()
    key = f"{key_prefix(kind_name, principal.user_id)}{uuid.uuid4().hex}.{extension}"
    post = client("s3").generate_presigned_post(
        Bucket=settings.media_bucket,
        Key=key,
        Fields={"Content-Type": content_type, "tagging": PENDING_TAGGING},
        Conditions=[
            {"Content-Type": content_type},
            {"tagging": PENDING_TAGGING},
            ["content-length-range", 1, kind.max_bytes],
        ],
        ExpiresIn=settings.upload_url_ttl_seconds,
    )
    return {
        "url": post["url"],
        "fields": post["fields"],
        "key": key,
        "expires_in": settings.upload_url_ttl_seconds,
    }


def mark_attached(key: str) -> None:
    """Drop the pending tag once a record points at the object, so the bucket's lifecycle
    rule (which expires pending uploads after a few days) keeps it."""
    client("s3").delete_object_tagging(Bucket=get_settings().media_bucket, Key=key)


def uploaded_object(kind_name: str, key: str) -> dict[str, Any] | None:
    """The stored object's metadata (``head_object``), or ``None`` when it is absent or
    breaks the kind's rules (checked again here: not every S3 stand-in enforces a policy)."""
    from botocore.exceptions import ClientError

    kind = kind_of(kind_name)
    try:
        head: dict[str, Any] = client("s3").head_object(Bucket=get_settings().media_bucket, Key=key)
    except ClientError:
        return None
    if int(head.get("ContentLength", 0)) > kind.max_bytes:
        return None
    return head


def download_url(key: str, expires_in: int = 3600) -> str:
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": get_settings().media_bucket, "Key": key},
        ExpiresIn=expires_in,
    )
    return url
