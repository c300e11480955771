"""Browser uploads straight to S3 with a presigned POST, and the checks when one is
attached to a record (the kinds and their rules: ``chalicelib.media.rules``).

The POST policy makes S3 itself refuse another content type or a larger file, so the API
never handles the bytes.
"""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Forbidden, ValidationFailed
from chalicelib.core.observability import logger
from chalicelib.core.roles import has_role
from chalicelib.media.rules import SNIFF_BYTES, UPLOAD_KINDS, UploadKind, upload_problem
from chalicelib.media.schemas import UploadOut


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
    kind_name: str, content_type: str, size: int, user_id: str, roles: frozenset[str]
) -> UploadOut:
    """A presigned POST for one upload the caller (``user_id`` with ``roles``) may make."""
    kind = kind_of(kind_name)
    if not has_role(roles, kind.role):
        raise Forbidden(f"Uploading a {kind_name} needs the {kind.role.value!r} role.")
    extension = kind.content_types.get(content_type)
    if extension is None:
        raise ValidationFailed.single(
            "content_type", f"must be one of {sorted(kind.content_types)}"
        )
    if size > kind.max_bytes:
        raise ValidationFailed.single("size", f"must be at most {kind.max_bytes} bytes")
    settings = get_settings()
    key = f"{key_prefix(kind_name, user_id)}{uuid.uuid4().hex}.{extension}"
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
    return UploadOut(
        url=post["url"],
        fields=post["fields"],
        key=key,
        expires_in=settings.upload_url_ttl_seconds,
    )


def mark_attached(key: str) -> None:
    """Drop the pending tag once a record points at the object, so the bucket's lifecycle
    rule (which expires pending uploads after a few days) keeps it."""
    client("s3").delete_object_tagging(Bucket=get_settings().media_bucket, Key=key)


def uploaded_object(kind_name: str, key: str) -> dict[str, Any] | None:
    """The stored object's metadata (``head_object``), or ``None`` when it is absent or
    breaks the kind's rules. Checked again here: S3 enforces the POST policy's type and size,
    but not what the bytes are, and not every S3 stand-in enforces a policy at all."""
    from botocore.exceptions import ClientError  # botocore loads with the first client

    kind = kind_of(kind_name)
    s3, bucket = client("s3"), get_settings().media_bucket
    try:
        head: dict[str, Any] = s3.head_object(Bucket=bucket, Key=key)
        first = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")
        first_bytes = first["Body"].read()
    except ClientError:
        return None
    problem = upload_problem(kind, key, head, first_bytes)
    if problem:
        logger.info("upload refused", extra={"key": key, "problem": problem})
        return None
    return head


def download_url(key: str, expires_in: int = 3600) -> str:
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": get_settings().media_bucket, "Key": key},
        ExpiresIn=expires_in,
    )
    return url
