"""``POST /uploads``: a presigned S3 POST for one upload (kinds in ``chalicelib.media.uploads``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import ConfigDict, Field

from chalicelib.accounts.roles import Role
from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import route
from chalicelib.core.schema import Schema
from chalicelib.media.uploads import presign_upload

bp = Blueprint(__name__)


class UploadRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=50)
    content_type: str = Field(min_length=1, max_length=100)
    size: int = Field(gt=0)


class UploadOut(Schema):
    url: str
    fields: dict[str, str]
    key: str
    expires_in: int


@route(
    bp,
    "/uploads",
    methods=("POST",),
    body=UploadRequest,
    response=UploadOut,
    auth=Role.USER,
    tags=("media",),
)
def create_upload(body: UploadRequest, principal: Principal) -> dict[str, Any]:
    """A presigned POST whose policy makes S3 enforce the kind's content type and size."""
    return presign_upload(body.kind, body.content_type, body.size, principal)
