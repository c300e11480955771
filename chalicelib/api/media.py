"""``POST /uploads``: a presigned S3 POST for one upload (kinds in ``chalicelib.media.rules``)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.accounts.tokens import Principal
from chalicelib.api.routing import route
from chalicelib.core.errors import Forbidden
from chalicelib.core.roles import Role
from chalicelib.media.schemas import UploadOut, UploadRequest
from chalicelib.media.uploads import presign_upload

bp = Blueprint(__name__)


@route(
    bp,
    "/uploads",
    methods=("POST",),
    body=UploadRequest,
    response=UploadOut,
    auth=Role.USER,
    errors=(Forbidden,),
    tags=("media",),
)
def create_upload(body: UploadRequest, principal: Principal) -> UploadOut:
    """A presigned POST whose policy makes S3 enforce the kind's content type and size.

    Avatars are for everyone signed in; posters and stills need the staff role (403)."""
    upload = body.upload
    return presign_upload(
        upload.kind, upload.content_type, upload.size, principal.user_id, principal.roles
    )
