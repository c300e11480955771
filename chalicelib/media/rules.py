"""What may be uploaded, as plain data and pure checks (no I/O).

``UPLOAD_KINDS`` is the one table of what may be uploaded: per kind, the allowed content
types, the largest size, the role required and where the key goes. ``/openapi.json``
states it too (``chalicelib.media.schemas``). An area that needs a new kind adds one line
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.roles import Role

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
