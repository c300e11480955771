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
from chalicelib.core.observability import logger

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


#: the first bytes of each image type (WebP: "RIFF", 4 size bytes, "WEBP")
SIGNATURES: dict[str, tuple[tuple[int, bytes], ...]] = {
    "image/jpeg": ((0, b"\xff\xd8\xff"),),
    "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
    "image/webp": ((0, b"RIFF"), (8, b"WEBP")),
}
SNIFF_BYTES = 16


def looks_like(content_type: str, first_bytes: bytes) -> bool:
    """Whether a file starts the way files of this content type start."""
    signature = SIGNATURES.get(content_type)
    if signature is None:
        return False
    return all(first_bytes[at : at + len(magic)] == magic for at, magic in signature)


def upload_problem(
    kind: UploadKind, key: str, head: dict[str, Any], first_bytes: bytes
) -> str | None:
    """Why a stored object breaks its kind's rules, or ``None``: the size, the content type
    S3 stored (the one the key's extension was granted for) and the bytes themselves."""
    if int(head.get("ContentLength", 0)) > kind.max_bytes:
        return "too large"
    extension = key.rsplit(".", 1)[-1]
    granted = [t for t, ext in kind.content_types.items() if ext == extension]
    stored = str(head.get("ContentType") or "").split(";")[0].strip().lower()
    if stored not in granted:
        return f"stored as {stored or 'no type'}, not {' or '.join(granted) or 'an allowed type'}"
    if not looks_like(stored, first_bytes):
        return f"its content is not {stored}"
    return None


def uploaded_object(kind_name: str, key: str) -> dict[str, Any] | None:
    """The stored object's metadata (``head_object``), or ``None`` when it is absent or
    breaks the kind's rules. Checked again here: S3 enforces the POST policy's type and size,
    but not what the bytes are, and not every S3 stand-in enforces a policy at all."""
    from botocore.exceptions import ClientError

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
